package awsfake

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// The AWS query protocol, as the SDK's awsquery client speaks it: a form-encoded POST with
// Action and Version, lists as Name.member.N, maps as Name.entry.N.key/value; the answer is
// <ActionResponse><ActionResult>…</ActionResult></ActionResponse>, an error is
// <ErrorResponse><Error><Code>…</Code><Message>…</Message></Error></ErrorResponse>.

// namespaces are the XML namespaces the services answer in.
var namespaces = map[string]string{
	"cloudformation": "http://cloudformation.amazonaws.com/doc/2010-05-15/",
	"sts":            "https://sts.amazonaws.com/doc/2011-06-15/",
	"iam":            "https://iam.amazonaws.com/doc/2010-05-08/",
}

// apiError is an error answer of the API.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func validation(format string, args ...any) *apiError {
	return &apiError{Status: 400, Code: "ValidationError", Message: fmt.Sprintf(format, args...)}
}

// request is one API call, with the caller it was signed by.
type request struct {
	service string
	action  string
	form    url.Values
	key     *accessKey
	region  string
}

// signature reads the access key, region and service of a SigV4 Authorization header:
// "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/cloudformation/aws4_request, ...".
func signature(h string) (akid, region, service string, ok bool) {
	_, rest, found := strings.Cut(h, "Credential=")
	if !found {
		return "", "", "", false
	}
	cred, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return "", "", "", false
	}
	return parts[0], parts[2], parts[3], true
}

func (s *Server) serveHTTP(w http.ResponseWriter, hr *http.Request) {
	body, err := io.ReadAll(hr.Body)
	if err != nil {
		writeError(w, &apiError{Status: 400, Code: "MalformedQueryString", Message: err.Error()})
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || hr.Method != http.MethodPost {
		writeError(w, &apiError{Status: 400, Code: "MalformedQueryString", Message: "expected a form-encoded POST"})
		return
	}
	r := &request{action: form.Get("Action"), form: form}
	akid, region, service, ok := signature(hr.Header.Get("Authorization"))
	if !ok {
		writeError(w, &apiError{Status: 403, Code: "MissingAuthenticationToken", Message: "Request is missing Authentication Token"})
		return
	}
	r.service, r.region = service, region

	s.mu.Lock()
	defer s.mu.Unlock()
	r.key = s.keys[akid]
	call := Call{Service: service, Action: r.action, AccessKeyID: akid, Region: region, Params: form, Mutating: mutating(r.action)}
	if r.key != nil {
		call.Account = r.key.account
	}
	var out any
	switch {
	case r.key == nil:
		err = &apiError{Status: 403, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}
	case consume(&s.throttles, r.action):
		err = &apiError{Status: 400, Code: "Throttling", Message: "Rate exceeded"}
	default:
		out, err = s.dispatchSafely(r)
		if consume(&s.lost, r.action) {
			out, err = nil, &apiError{Status: 500, Code: "InternalFailure", Message: "We encountered an internal error. Please try again."}
		}
	}
	if err != nil {
		ae, ok := err.(*apiError)
		if !ok {
			ae = &apiError{Status: 500, Code: "InternalFailure", Message: err.Error()}
		}
		call.Error = ae.Code
		s.calls = append(s.calls, call)
		writeError(w, ae)
		return
	}
	s.calls = append(s.calls, call)
	writeResult(w, service, r.action, out, s.requestID())
}

// dispatchSafely answers a bug in the endpoint as an InternalFailure naming it, rather than
// dropping the connection.
func (s *Server) dispatchSafely(r *request) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &apiError{Status: 500, Code: "InternalFailure", Message: fmt.Sprintf("awsfake: %s panicked: %v", r.action, p)}
		}
	}()
	return s.dispatch(r)
}

func (s *Server) dispatch(r *request) (any, error) {
	var handlers map[string]func(*Server, *request) (any, error)
	switch r.service {
	case "cloudformation":
		handlers = cloudformationActions
	case "sts":
		handlers = stsActions
	case "iam":
		handlers = iamActions
	default:
		return nil, &apiError{Status: 400, Code: "UnknownService", Message: "no such service: " + r.service}
	}
	h, ok := handlers[r.action]
	if !ok {
		return nil, &apiError{Status: 400, Code: "InvalidAction", Message: fmt.Sprintf("Could not find operation %s for version %s", r.action, r.form.Get("Version"))}
	}
	return h(s, r)
}

// mutating says whether an action changes anything; AssumeRole and DetectStackDrift do not.
func mutating(action string) bool {
	for _, verb := range []string{"Create", "Execute", "Delete", "Set", "Update", "Put", "Attach", "Detach", "Tag", "Untag", "Cancel", "Continue", "Rollback", "Import"} {
		if strings.HasPrefix(action, verb) {
			return true
		}
	}
	return false
}

// consume uses up one of the faults of list that apply to action, and reports whether there
// was one.
func consume(list *[]throttle, action string) bool {
	for i, t := range *list {
		if t.action == "" || t.action == action {
			(*list)[i].n--
			if (*list)[i].n == 0 {
				*list = append((*list)[:i], (*list)[i+1:]...)
			}
			return true
		}
	}
	return false
}

func (s *Server) requestID() string {
	s.seq++
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", s.seq)
}

func writeError(w http.ResponseWriter, e *apiError) {
	var b bytes.Buffer
	b.WriteString(`<ErrorResponse><Error><Type>Sender</Type><Code>`)
	xml.EscapeText(&b, []byte(e.Code))
	b.WriteString(`</Code><Message>`)
	xml.EscapeText(&b, []byte(e.Message))
	b.WriteString(`</Message></Error><RequestId>00000000-0000-4000-8000-000000000000</RequestId></ErrorResponse>`)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.Status)
	w.Write(b.Bytes())
}

func writeResult(w http.ResponseWriter, service, action string, out any, requestID string) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<%sResponse xmlns="%s">`, action, namespaces[service])
	if out == nil {
		out = struct{}{}
	}
	enc := xml.NewEncoder(&b)
	if err := enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
		writeError(w, &apiError{Status: 500, Code: "InternalFailure", Message: err.Error()})
		return
	}
	fmt.Fprintf(&b, `<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>`, requestID, action)
	w.Header().Set("Content-Type", "text/xml")
	w.Write(b.Bytes())
}

// Reading the form.

func (r *request) get(name string) string { return r.form.Get(name) }

func (r *request) required(name string) (string, error) {
	v := r.form.Get(name)
	if v == "" {
		return "", validation("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(name))
	}
	return v, nil
}

func (r *request) flag(name string) bool { return r.form.Get(name) == "true" }

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// members returns the members of the list prefix (prefix.member.N...), in order, each as the
// form of its own fields: for a list of scalars the value is under "".
func members(form url.Values, prefix string) []url.Values {
	byIndex := map[int]url.Values{}
	p := prefix + ".member."
	for k, v := range form {
		rest, ok := strings.CutPrefix(k, p)
		if !ok {
			continue
		}
		num, field, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if err != nil {
			continue
		}
		if byIndex[n] == nil {
			byIndex[n] = url.Values{}
		}
		byIndex[n][field] = v
	}
	idx := make([]int, 0, len(byIndex))
	for n := range byIndex {
		idx = append(idx, n)
	}
	sort.Ints(idx)
	out := make([]url.Values, 0, len(idx))
	for _, n := range idx {
		out = append(out, byIndex[n])
	}
	return out
}

// strs returns the list of strings prefix.member.N.
func strs(form url.Values, prefix string) []string {
	var out []string
	for _, m := range members(form, prefix) {
		out = append(out, m.Get(""))
	}
	return out
}

// entries returns the map prefix.entry.N.key / prefix.entry.N.value.
func entries(form url.Values, prefix string) map[string]string {
	byIndex := map[string][2]string{}
	p := prefix + ".entry."
	for k, v := range form {
		rest, ok := strings.CutPrefix(k, p)
		if !ok || len(v) == 0 {
			continue
		}
		num, field, _ := strings.Cut(rest, ".")
		e := byIndex[num]
		switch field {
		case "key":
			e[0] = v[0]
		case "value":
			e[1] = v[0]
		}
		byIndex[num] = e
	}
	out := map[string]string{}
	for _, e := range byIndex {
		out[e[0]] = e[1]
	}
	return out
}
