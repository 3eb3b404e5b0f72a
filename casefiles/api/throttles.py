from rest_framework.throttling import SimpleRateThrottle


class ClientAddressThrottle(SimpleRateThrottle):
    """Counts requests per client address, signed in or not: a login must not buy more guesses.

    Behind a proxy set REST_FRAMEWORK["NUM_PROXIES"] so the address is the client's, not the proxy's.
    """

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ProgressThrottle(ClientAddressThrottle):
    scope = "progress"


class TokenThrottle(ClientAddressThrottle):
    scope = "token"
