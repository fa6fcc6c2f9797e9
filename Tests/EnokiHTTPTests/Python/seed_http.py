# The HTTP examples of the seed documents, as written there, run under Python Nameko 2.14.1 beside their Swift
# twins (enoki-examples) so that the tests compare the two answers.
import json

from nameko.web.handlers import http, HttpRequestHandler
from werkzeug.wrappers import Response
from nameko.exceptions import safe_for_serialization


class HttpService:
    name = "http_service"

    @http('GET', '/get/<int:value>')
    def get_method(self, request, value):
        return json.dumps({'value': value})

    @http('POST', '/post')
    def do_post(self, request):
        return u"received: {}".format(request.get_data(as_text=True))

    @http('GET,PUT,POST,DELETE', '/multi')
    def do_multi(self, request):
        return request.method


class AdvancedService:
    name = "advanced_http_service"

    @http('GET', '/privileged')
    def forbidden(self, request):
        return 403, "Forbidden"

    @http('GET', '/headers')
    def redirect(self, request):
        return 201, {'Location': 'https://www.example.com/widget/1'}, ""

    @http('GET', '/custom')
    def custom(self, request):
        return Response("payload")


class HttpError(Exception):
    error_code = 'BAD_REQUEST'
    status_code = 400


class InvalidArgumentsError(HttpError):
    error_code = 'INVALID_ARGUMENTS'


class HttpEntrypoint(HttpRequestHandler):
    def response_from_exception(self, exc):
        if isinstance(exc, HttpError):
            response = Response(
                json.dumps({
                    'error': exc.error_code,
                    'message': safe_for_serialization(exc),
                }),
                status=exc.status_code,
                mimetype='application/json'
            )
            return response
        return HttpRequestHandler.response_from_exception(self, exc)


custom_http = HttpEntrypoint.decorator


class ExceptionsService:
    name = "http_exceptions_service"

    @custom_http('GET', '/custom_exception')
    def custom_exception(self, request):
        raise InvalidArgumentsError("Argument `foo` is required.")


class Boom(Exception):
    pass


class ObservedService:
    """The routes of nameko-wire §9's observed list."""
    name = "observed_http_service"

    @http('GET', '/hello/<int:num>')
    def hello(self, request, num):
        return json.dumps({"num": num})

    @http('GET,POST', '/tuple')
    def tuple_(self, request):
        return 201, {"X-Spec": "yes"}, "created"

    @http('GET', '/two')
    def two(self, request):
        return 202, "accepted"

    @http('GET', '/boom')
    def boom(self, request):
        raise ValueError("kaboom")

    @http('GET', '/expected', expected_exceptions=Boom)
    def expected(self, request):
        raise Boom("expected one")

    @http('GET', '/slash/')
    def slash(self, request):
        return "slashed"

    @http('GET', '/files/<path:name>')
    def files(self, request, name):
        return name

    @http('GET', '/items/<uuid:item>')
    def items(self, request, item):
        return str(item)

    @http('GET', '/pages/<any(about,help):page>')
    def pages(self, request, page):
        return page

    @http('GET', '/ranged/<int(min=1,max=9):n>')
    def ranged(self, request, n):
        return str(n)

    @http('GET', '/ratio/<float:x>')
    def ratio(self, request, x):
        return repr(x)
