package render

import (
	"encoding/json"

	"github.com/irsagen/irsagen/generator/plan"
)

// StacksFile is the deploy plan: every stack in the order to deploy it.
const StacksFile = "cloudformation/stacks.json"

type stacksDoc struct {
	Version int         `json:"version"`
	Stacks  []stackJSON `json:"stacks"`
}

type stackJSON struct {
	Name         string   `json:"name"`
	Account      string   `json:"account"`
	AccountID    string   `json:"accountId"`
	Region       string   `json:"region"`
	Template     string   `json:"template"`
	Capabilities []string `json:"capabilities"`
	DependsOn    []string `json:"dependsOn"`
}

func stacksJSON(p *plan.Plan) []byte {
	doc := stacksDoc{Version: 1, Stacks: []stackJSON{}}
	for _, s := range p.Stacks {
		region := s.Account.Region
		if s.Region != "" {
			region = s.Region
		}
		doc.Stacks = append(doc.Stacks, stackJSON{
			Name: s.Name, Account: s.Account.Name, AccountID: s.Account.ID, Region: region,
			Template: s.Template, Capabilities: s.Capabilities, DependsOn: append([]string{}, s.DependsOn...),
		})
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic("render: " + err.Error()) // plain structs of strings always marshal
	}
	return append(data, '\n')
}
