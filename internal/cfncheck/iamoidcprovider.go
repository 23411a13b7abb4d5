package cfncheck

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// IAM limits on an OIDC provider (CreateOpenIDConnectProvider).
const (
	maxProviderURL = 255
	maxClientIDs   = 100
	maxClientID    = 255
	maxThumbprints = 5
)

var thumbprint = regexp.MustCompile(`^[0-9A-Fa-f]{40}$`)

func checkOIDCProvider(r *report, res resource) {
	props, p := res.props, res.propsPath()
	// The schema leaves Url optional, but IAM cannot create a provider without one.
	if v, ok := props["Url"]; ok {
		checkProviderURL(r, p.key("Url"), v)
	} else {
		r.add(p, "required property Url is missing; IAM needs the issuer URL to create the provider")
	}
	if ids, ok := props["ClientIdList"].([]any); ok {
		q := p.key("ClientIdList")
		if len(ids) > maxClientIDs {
			r.add(q, "%d client IDs; IAM allows at most %d per provider", len(ids), maxClientIDs)
		}
		for i, v := range ids {
			if id, ok := literal(v); ok {
				if n := utf8.RuneCountInString(id); n == 0 || n > maxClientID {
					r.add(q.index(i), "client ID is %d characters; IAM allows 1 to %d", n, maxClientID)
				}
			}
		}
	}
	if prints, ok := props["ThumbprintList"].([]any); ok {
		q := p.key("ThumbprintList")
		if len(prints) == 0 || len(prints) > maxThumbprints {
			r.add(q, "%d thumbprints; IAM takes 1 to %d", len(prints), maxThumbprints)
		}
		for i, v := range prints {
			if s, ok := literal(v); ok && !thumbprint.MatchString(s) {
				r.add(q.index(i), "thumbprint %q must be 40 hexadecimal characters (the SHA-1 of the issuer's CA certificate)", s)
			}
		}
	}
	if v, ok := props["Tags"]; ok {
		checkTags(r, p.key("Tags"), v)
	}
}

func checkProviderURL(r *report, p path, v any) {
	s, ok := literal(v)
	if !ok {
		return
	}
	u, err := url.Parse(s)
	switch {
	case len(s) > maxProviderURL:
		r.add(p, "URL is %d characters; IAM allows at most %d", len(s), maxProviderURL)
	case err != nil || u.Scheme != "https" || u.Host == "" || !strings.HasPrefix(s, "https://"):
		r.add(p, "%q must be an https:// URL, the cluster's OIDC issuer", s)
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		r.add(p, "%q must be the issuer URL alone, without user, query or fragment", s)
	}
}
