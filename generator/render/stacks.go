package render

import (
	"encoding/json"

	"github.com/irsagen/irsagen/generator/plan"
)

// StacksFile is the deploy plan: every stack in the order to deploy it.
const StacksFile = "cloudformation/stacks.json"

// StacksVersion is the version of stacks.json that irsagen writes and reads.
const StacksVersion = 1

type stacksDoc struct {
	Version int         `json:"version"`
	Stacks  []stackJSON `json:"stacks"`
}

type stackJSON struct {
	Name    string `json:"name"`
	Account string `json:"account"`
	// Cluster is the cluster whose Pod Identity associations an association stack holds.
	Cluster      string   `json:"cluster,omitempty"`
	AccountID    string   `json:"accountId"`
	Region       string   `json:"region"`
	Template     string   `json:"template"`
	Capabilities []string `json:"capabilities"`
	DependsOn    []string `json:"dependsOn"`
	// Roles are the names of the roles a role stack holds. The next run reads them back
	// (generator.ReadAssignment) and keeps each role in its stack.
	Roles []string `json:"roles,omitempty"`
	// Associations are the keys (namespace/ServiceAccount) of the Pod Identity associations an
	// association stack holds, read back the same way.
	Associations []string `json:"associations,omitempty"`
}

func stacksJSON(p *plan.Plan) []byte {
	doc := stacksDoc{Version: StacksVersion, Stacks: []stackJSON{}}
	for _, s := range p.Stacks {
		region := s.Account.Region
		if s.Region != "" {
			region = s.Region
		}
		j := stackJSON{
			Name: s.Name, Account: s.Account.Name, AccountID: s.Account.ID, Region: region,
			Template: s.Template, Capabilities: s.Capabilities, DependsOn: append([]string{}, s.DependsOn...),
		}
		for _, r := range s.Roles {
			j.Roles = append(j.Roles, r.Name)
		}
		for _, a := range s.Associations {
			j.Associations = append(j.Associations, plan.AssociationKey(a))
			j.Cluster = a.Cluster.Name
		}
		doc.Stacks = append(doc.Stacks, j)
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic("render: " + err.Error()) // plain structs of strings always marshal
	}
	return append(data, '\n')
}
