"""Single sign-on routes. They always exist and answer 404 while their protocol is not
configured, so turning SSO on or off needs no change here. The route names are the ones
mozilla-django-oidc and djangosaml2 reverse."""

from django.urls import path

from . import oidc, saml

urlpatterns = [
    path("sso/oidc/log-ind/", oidc.OIDCLoginView.as_view(), name="oidc_authentication_init"),
    path("sso/oidc/callback/", oidc.OIDCCallbackView.as_view(),
         name="oidc_authentication_callback"),
    path("sso/saml/log-ind/", saml.SamlLoginView.as_view(), name="saml2_login"),
    path("sso/saml/acs/", saml.SamlAcsView.as_view(), name="saml2_acs"),
    path("sso/saml/metadata/", saml.SamlMetadataView.as_view(), name="saml2_metadata"),
    path("sso/saml/ls/", saml.SamlLogoutView.as_view(), name="saml2_ls"),
    path("sso/saml/ls/post/", saml.SamlLogoutView.as_view(), name="saml2_ls_post"),
]
