package trust

// A web identity request is made by a Federated principal (the OIDC provider ARN), and a trust
// policy written for one cluster must not admit another cluster's provider. Matching is therefore
// exact, with the two equivalences IAM itself applies: "*" and {"AWS": "*"} mean everyone, and an
// AWS account (its id or its :root ARN) stands for every principal in that account.

import (
	"fmt"
	"sort"
	"strings"
)

// PrincipalType is the kind of principal making a request, as named in a Principal element.
type PrincipalType string

// The principal types a trust policy can name.
const (
	Federated     PrincipalType = "Federated"
	AWS           PrincipalType = "AWS"
	Service       PrincipalType = "Service"
	CanonicalUser PrincipalType = "CanonicalUser"
)

// Principal is who makes a request: for IRSA, Federated with the IAM OIDC provider ARN.
type Principal struct {
	Type PrincipalType
	ID   string
}

func (p Principal) String() string { return fmt.Sprintf("%s %q", p.Type, p.ID) }

// matches reports whether the principal is among those the set names.
func (ps *principalSet) matches(p Principal) bool {
	if ps.Anyone {
		return true
	}
	for _, v := range ps.IDs[string(AWS)] {
		if v == "*" {
			return true
		}
	}
	for _, v := range ps.IDs[string(p.Type)] {
		if v == "*" || v == p.ID {
			return true
		}
		if p.Type == AWS && sameAccount(v, p.ID) {
			return true
		}
	}
	return false
}

// sameAccount reports whether policy value v names an AWS account (by id or :root ARN) that
// contains the principal id.
func sameAccount(v, id string) bool {
	account, partition, ok := accountOf(v)
	if !ok {
		return false
	}
	if id == account {
		return true
	}
	parts := strings.SplitN(id, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[4] != account {
		return false
	}
	return partition == "" || parts[1] == partition
}

// accountOf recognises the two spellings of an account principal: "111122223333" and
// "arn:aws:iam::111122223333:root". partition is empty for the bare id.
func accountOf(v string) (account, partition string, ok bool) {
	if isAccountID(v) {
		return v, "", true
	}
	parts := strings.SplitN(v, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[3] == "" &&
		isAccountID(parts[4]) && parts[5] == "root" {
		return parts[4], parts[1], true
	}
	return "", "", false
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// String renders the set as a policy author would recognise it.
func (ps *principalSet) String() string {
	if ps.Anyone {
		return `"*"`
	}
	types := make([]string, 0, len(ps.IDs))
	for t := range ps.IDs {
		types = append(types, t)
	}
	sort.Strings(types)
	parts := make([]string, len(types))
	for i, t := range types {
		parts[i] = t + ": " + quoteList(ps.IDs[t])
	}
	return "{" + strings.Join(parts, "; ") + "}"
}
