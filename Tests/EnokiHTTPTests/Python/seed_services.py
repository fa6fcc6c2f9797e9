"""The seed's `compute` service in Python 3 (its `.async` spelled `.call_async`), named `compute_py` so that it runs
beside the Swift `compute` on one broker; it mails through whichever `mail` service runs.

    nameko run seed_services --config CONFIG
"""
from nameko.rpc import rpc, RpcProxy


class Compute(object):
    name = "compute_py"
    mail = RpcProxy('mail')

    @rpc
    def compute(self, operation, value, other, email):
        operations = {'sum': lambda x, y: int(x) + int(y),
                      'mul': lambda x, y: int(x) * int(y),
                      'div': lambda x, y: int(x) / int(y),
                      'sub': lambda x, y: int(x) - int(y)}
        try:
            result = operations[operation](value, other)
        except Exception as e:
            self.mail.send.call_async(email, "An error occurred", str(e))
            raise
        else:
            self.mail.send.call_async(
                email,
                "Your operation is complete!",
                "The result is: %s" % result
            )
            return result
