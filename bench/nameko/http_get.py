# The seed's http_service route, the Python side of the HTTP benchmark (bench/http.py).
import json

from nameko.web.handlers import http


class HttpService:
    name = "http_service"

    @http('GET', '/get/<int:value>')
    def get_method(self, request, value):
        return json.dumps({'value': value})
