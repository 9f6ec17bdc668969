package dev.breakwater.dataplane.filter;

/** A route that redirects (a Route's requestRedirect, ingress-nginx's permanent-/temporal-redirect). */
final class RedirectFilter implements HttpFilter {

    private final Redirect redirect;

    RedirectFilter(Redirect redirect) {
        this.redirect = redirect;
    }

    @Override
    public LocalAnswer onRequest(FilterContext r) {
        return redirect.answer(r.scheme(), r.host(), r.path(), r.query(), r.config().publicHttpsPort());
    }
}
