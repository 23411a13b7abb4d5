package awsfake

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// account is the state of one AWS account: IAM (global) and CloudFormation per region.
type account struct {
	id      string
	iam     *iamState
	regions map[string]*region
}

func newAccount(id string) *account {
	return &account{id: id, iam: &iamState{account: id, resources: map[string]*physical{}}, regions: map[string]*region{}}
}

// iamState holds the IAM resources of an account. Their names are unique in the account, in
// every region, whether a stack made them or not. A physical is never changed in place, so a
// copy of the map is a snapshot to roll back to.
type iamState struct {
	account   string
	resources map[string]*physical // iamKey(type, name) → resource
}

// physical is a resource as it exists in AWS, its properties in CloudFormation's shape.
type physical struct {
	Type    string
	Name    string // RoleName, ManagedPolicyName, or the provider's URL without https://
	ID      string // CloudFormation's physical resource id
	Arn     string
	UniqID  string // RoleId, PolicyId
	Props   map[string]any
	Created time.Time
}

// globalTypes are the resource types whose names IAM keeps unique per account.
var globalTypes = map[string]bool{"AWS::IAM::Role": true, "AWS::IAM::ManagedPolicy": true, "AWS::IAM::OIDCProvider": true}

func iamKey(typ, name string) string { return typ + "|" + strings.ToLower(name) }

func (st *iamState) get(typ, name string) *physical { return st.resources[iamKey(typ, name)] }

func (st *iamState) snapshot() map[string]*physical {
	m := make(map[string]*physical, len(st.resources))
	for k, v := range st.resources {
		m[k] = v
	}
	return m
}

// alreadyExists is the message CloudFormation gives when IAM refuses a name that is taken.
func alreadyExists(typ, name string) string {
	switch typ {
	case "AWS::IAM::OIDCProvider":
		return fmt.Sprintf(`Resource handler returned message: "Provider with url https://%s already exists. (Service: Iam, Status Code: 409)" (HandlerErrorCode: AlreadyExists)`, name)
	case "AWS::IAM::ManagedPolicy":
		return fmt.Sprintf(`Resource handler returned message: "A policy called %s already exists. Duplicate names are not allowed. (Service: Iam, Status Code: 409)" (HandlerErrorCode: AlreadyExists)`, name)
	}
	return fmt.Sprintf(`Resource handler returned message: "Role with name %s already exists. (Service: Iam, Status Code: 409)" (HandlerErrorCode: AlreadyExists)`, name)
}

// put creates or replaces a resource from its properties, giving it its ARN and ids.
func (st *iamState) put(s *Server, typ, name string, props map[string]any, created time.Time) *physical {
	p := &physical{Type: typ, Name: name, Props: props, Created: created}
	path, _ := props["Path"].(string)
	if path == "" {
		path = "/"
	}
	switch typ {
	case "AWS::IAM::Role":
		p.ID = name
		p.Arn = fmt.Sprintf("arn:aws:iam::%s:role%s%s", st.account, path, name)
		p.UniqID = fmt.Sprintf("AROA%016d", s.id())
	case "AWS::IAM::ManagedPolicy":
		p.Arn = fmt.Sprintf("arn:aws:iam::%s:policy%s%s", st.account, path, name)
		p.ID = p.Arn
		p.UniqID = fmt.Sprintf("ANPA%016d", s.id())
	case "AWS::IAM::OIDCProvider":
		p.Arn = fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", st.account, name)
		p.ID = p.Arn
	}
	if old := st.get(typ, name); old != nil {
		p.UniqID, p.Created = old.UniqID, old.Created
	}
	st.resources[iamKey(typ, name)] = p
	return p
}

// remove deletes the IAM resource a stack made, as CloudFormation does: it detaches the policies
// the template attached, and fails on a role that still has others (attached by hand).
func (st *iamState) remove(res *stackResource) string {
	if !globalTypes[res.Type] {
		return ""
	}
	p := st.get(res.Type, res.Name)
	if p == nil {
		return "" // deleted out of band: CloudFormation skips it
	}
	if res.Type == "AWS::IAM::Role" {
		expected := strList(res.Props["ManagedPolicyArns"])
		for _, arn := range strList(p.Props["ManagedPolicyArns"]) {
			if !slices.Contains(expected, arn) {
				return `Resource handler returned message: "Cannot delete entity, must detach all policies first. (Service: Iam, Status Code: 409)" (HandlerErrorCode: GeneralServiceException)`
			}
		}
	}
	delete(st.resources, iamKey(res.Type, res.Name))
	return ""
}

func (st *iamState) createRole(s *Server, name, path, trust string) error {
	if st.get("AWS::IAM::Role", name) != nil {
		return fmt.Errorf("role %s already exists in account %s", name, st.account)
	}
	doc, err := parseJSON(trust)
	if err != nil {
		return fmt.Errorf("trust policy of role %s: %v", name, err)
	}
	st.put(s, "AWS::IAM::Role", name, map[string]any{"RoleName": name, "Path": path, "AssumeRolePolicyDocument": doc}, s.now())
	return nil
}

// physicalName is the name IAM knows a resource by, from its template properties.
func physicalName(typ string, props map[string]any) string {
	var name string
	switch typ {
	case "AWS::IAM::Role":
		name, _ = props["RoleName"].(string)
	case "AWS::IAM::ManagedPolicy":
		name, _ = props["ManagedPolicyName"].(string)
	case "AWS::IAM::OIDCProvider":
		u, _ := props["Url"].(string)
		name = strings.TrimPrefix(u, "https://")
	}
	return name
}

var iamActions = map[string]func(*Server, *request) (any, error){
	"GetRole":                    (*Server).iamGetRole,
	"ListOpenIDConnectProviders": (*Server).iamListOpenIDConnectProviders,
	"GetOpenIDConnectProvider":   (*Server).iamGetOpenIDConnectProvider,
	"GetPolicy":                  (*Server).iamGetPolicy,
	"ListRoles":                  (*Server).iamListRoles,
	"ListPolicies":               (*Server).iamListPolicies,
}

type xmlTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type xmlRole struct {
	Path                     string    `xml:"Path"`
	RoleName                 string    `xml:"RoleName"`
	RoleID                   string    `xml:"RoleId"`
	Arn                      string    `xml:"Arn"`
	CreateDate               time.Time `xml:"CreateDate"`
	AssumeRolePolicyDocument string    `xml:"AssumeRolePolicyDocument"`
	Description              string    `xml:"Description,omitempty"`
	MaxSessionDuration       string    `xml:"MaxSessionDuration,omitempty"`
	PermissionsBoundary      *struct {
		Type string `xml:"PermissionsBoundaryType"`
		Arn  string `xml:"PermissionsBoundaryArn"`
	} `xml:"PermissionsBoundary,omitempty"`
	Tags []xmlTag `xml:"Tags>member,omitempty"`
}

func noSuchEntity(format string, args ...any) *apiError {
	return &apiError{Status: 404, Code: "NoSuchEntity", Message: fmt.Sprintf(format, args...)}
}

func (s *Server) iamGetRole(r *request) (any, error) {
	name, err := r.required("RoleName")
	if err != nil {
		return nil, err
	}
	p := s.account(r.key.account).iam.get("AWS::IAM::Role", name)
	if p == nil {
		return nil, noSuchEntity("The role with name %s cannot be found.", name)
	}
	return struct {
		Role xmlRole `xml:"Role"`
	}{roleXML(p)}, nil
}

func roleXML(p *physical) xmlRole {
	role := xmlRole{Path: str(p.Props["Path"], "/"), RoleName: p.Name, RoleID: p.UniqID, Arn: p.Arn, CreateDate: p.Created,
		// IAM answers the trust policy URL-encoded, as RFC 3986 asks of a document in a query answer.
		AssumeRolePolicyDocument: url.QueryEscape(toJSON(p.Props["AssumeRolePolicyDocument"])),
		Description:              str(p.Props["Description"], ""),
		MaxSessionDuration:       str(p.Props["MaxSessionDuration"], "3600"),
		Tags:                     tags(p.Props["Tags"])}
	if b := str(p.Props["PermissionsBoundary"], ""); b != "" {
		role.PermissionsBoundary = &struct {
			Type string `xml:"PermissionsBoundaryType"`
			Arn  string `xml:"PermissionsBoundaryArn"`
		}{"Policy", b}
	}
	return role
}

// iamListRoles lists the roles under PathPrefix, all in one page.
func (s *Server) iamListRoles(r *request) (any, error) {
	prefix := r.get("PathPrefix")
	var out struct {
		Roles       []xmlRole `xml:"Roles>member"`
		IsTruncated bool      `xml:"IsTruncated"`
	}
	for _, p := range s.account(r.key.account).iam.sorted("AWS::IAM::Role") {
		if strings.HasPrefix(str(p.Props["Path"], "/"), prefix) {
			out.Roles = append(out.Roles, roleXML(p))
		}
	}
	return out, nil
}

// iamListPolicies lists the account's own managed policies (AWS's are not modelled).
func (s *Server) iamListPolicies(r *request) (any, error) {
	prefix := r.get("PathPrefix")
	var out struct {
		Policies    []xmlPolicy `xml:"Policies>member"`
		IsTruncated bool        `xml:"IsTruncated"`
	}
	if r.get("Scope") == "AWS" {
		return out, nil
	}
	for _, p := range s.account(r.key.account).iam.sorted("AWS::IAM::ManagedPolicy") {
		if path := str(p.Props["Path"], "/"); strings.HasPrefix(path, prefix) {
			out.Policies = append(out.Policies, xmlPolicy{p.Name, p.UniqID, p.Arn, path, p.Created})
		}
	}
	return out, nil
}

func str(v any, def string) string {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return def
}

// tags reads a template's Tags property ([{Key, Value}]).
func tags(v any) []xmlTag {
	l, _ := v.([]any)
	var out []xmlTag
	for _, t := range l {
		m := asMap(t)
		out = append(out, xmlTag{Key: str(m["Key"], ""), Value: str(m["Value"], "")})
	}
	return out
}

func (s *Server) iamListOpenIDConnectProviders(r *request) (any, error) {
	type entry struct {
		Arn string `xml:"Arn"`
	}
	var out struct {
		List []entry `xml:"OpenIDConnectProviderList>member"`
	}
	for _, p := range s.account(r.key.account).iam.sorted("AWS::IAM::OIDCProvider") {
		out.List = append(out.List, entry{p.Arn})
	}
	return out, nil
}

func (st *iamState) sorted(typ string) []*physical {
	var out []*physical
	for _, p := range st.resources {
		if p.Type == typ {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Arn < out[j].Arn })
	return out
}

func (s *Server) iamGetOpenIDConnectProvider(r *request) (any, error) {
	arn, err := r.required("OpenIDConnectProviderArn")
	if err != nil {
		return nil, err
	}
	prefix := fmt.Sprintf("arn:aws:iam::%s:oidc-provider/", r.key.account)
	name, ok := strings.CutPrefix(arn, prefix)
	p := s.account(r.key.account).iam.get("AWS::IAM::OIDCProvider", name)
	if !ok || p == nil {
		return nil, noSuchEntity("OpenIDConnect Provider not found for arn %s", arn)
	}
	return struct {
		URL         string    `xml:"Url"`
		ClientIDs   []string  `xml:"ClientIDList>member"`
		Thumbprints []string  `xml:"ThumbprintList>member"`
		CreateDate  time.Time `xml:"CreateDate"`
		Tags        []xmlTag  `xml:"Tags>member,omitempty"`
	}{p.Name, strList(p.Props["ClientIdList"]), strList(p.Props["ThumbprintList"]), p.Created, tags(p.Props["Tags"])}, nil
}

func strList(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, e := range l {
		out = append(out, fmt.Sprint(e))
	}
	return out
}

type xmlPolicy struct {
	PolicyName string    `xml:"PolicyName"`
	PolicyID   string    `xml:"PolicyId"`
	Arn        string    `xml:"Arn"`
	Path       string    `xml:"Path"`
	CreateDate time.Time `xml:"CreateDate"`
}

func (s *Server) iamGetPolicy(r *request) (any, error) {
	arn, err := r.required("PolicyArn")
	if err != nil {
		return nil, err
	}
	for _, p := range s.account(r.key.account).iam.sorted("AWS::IAM::ManagedPolicy") {
		if p.Arn == arn {
			return struct {
				Policy xmlPolicy `xml:"Policy"`
			}{xmlPolicy{p.Name, p.UniqID, p.Arn, str(p.Props["Path"], "/"), p.Created}}, nil
		}
	}
	return nil, noSuchEntity("Policy %s does not exist or is not attachable.", arn)
}
