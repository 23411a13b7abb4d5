package awsfake

import (
	"fmt"
	"strings"
	"time"
)

var stsActions = map[string]func(*Server, *request) (any, error){
	"GetCallerIdentity": (*Server).stsGetCallerIdentity,
	"AssumeRole":        (*Server).stsAssumeRole,
}

func (s *Server) stsGetCallerIdentity(r *request) (any, error) {
	return struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	}{r.key.arn, r.key.userID, r.key.account}, nil
}

// stsAssumeRole gives fresh credentials of the role's account, for a role that exists.
func (s *Server) stsAssumeRole(r *request) (any, error) {
	roleArn, err := r.required("RoleArn")
	if err != nil {
		return nil, err
	}
	session, err := r.required("RoleSessionName")
	if err != nil {
		return nil, err
	}
	denied := &apiError{Status: 403, Code: "AccessDenied", Message: fmt.Sprintf(
		"User: %s is not authorized to perform: sts:AssumeRole on resource: %s", r.key.arn, roleArn)}
	rest, ok := strings.CutPrefix(roleArn, "arn:aws:iam::")
	if !ok {
		return nil, validation("%s is invalid", roleArn)
	}
	acct, res, _ := strings.Cut(rest, ":")
	a := s.accounts[acct]
	if a == nil || !strings.HasPrefix(res, "role/") {
		return nil, denied
	}
	name := res[strings.LastIndex(res, "/")+1:]
	role := a.iam.get("AWS::IAM::Role", name)
	if role == nil || role.Arn != roleArn {
		return nil, denied
	}
	n := s.id()
	k := &accessKey{
		id:      fmt.Sprintf("ASIA%016d", n),
		secret:  fmt.Sprintf("secret/assumed/%d", n),
		token:   fmt.Sprintf("token/%d", n),
		account: acct,
		arn:     fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", acct, name, session),
		userID:  role.UniqID + ":" + session,
	}
	s.keys[k.id] = k
	type credentials struct {
		AccessKeyID     string    `xml:"AccessKeyId"`
		SecretAccessKey string    `xml:"SecretAccessKey"`
		SessionToken    string    `xml:"SessionToken"`
		Expiration      time.Time `xml:"Expiration"`
	}
	type user struct {
		AssumedRoleID string `xml:"AssumedRoleId"`
		Arn           string `xml:"Arn"`
	}
	// The credentials expire an hour after the real time, so that the SDK does not refresh them
	// while a test runs (the endpoint's own clock is not the SDK's).
	return struct {
		Credentials     credentials `xml:"Credentials"`
		AssumedRoleUser user        `xml:"AssumedRoleUser"`
	}{credentials{k.id, k.secret, k.token, time.Now().Add(time.Hour).UTC().Truncate(time.Second)}, user{k.userID, k.arn}}, nil
}
