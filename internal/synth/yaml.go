package synth

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// YAML writes the fleet as irsa.yaml. Every value the fleet holds is a plain identifier, an ARN
// or a sentence, so strings are written plain unless YAML could read them as something else.
func (f *Fleet) YAML() []byte {
	var b bytes.Buffer
	b.Grow(700 * (len(f.ServiceAccounts) + 10))
	b.WriteString("# Synthetic irsa.yaml written by internal/synth for benchmarks. Do not edit.\n")
	b.WriteString("apiVersion: irsagen/v1\nkind: Config\n\naccounts:\n")
	for _, a := range f.Accounts {
		fmt.Fprintf(&b, "  - name: %s\n    id: %q\n    region: %s\n", a.Name, a.ID, a.Region)
	}
	b.WriteString("\nclusters:\n")
	for _, c := range f.Clusters {
		fmt.Fprintf(&b, "  - name: %s\n    account: %s\n    region: %s\n    oidcIssuer: %s\n", c.Name, c.Account, c.Region, c.Issuer)
		if c.Existing {
			b.WriteString("    oidcProvider: existing\n")
		}
		if c.Identity != "" {
			fmt.Fprintf(&b, "    identity: %s\n", c.Identity)
		}
	}
	b.WriteString(`
defaults:
  rolePath: /irsa/
  permissionsBoundary: irsa-boundary
  maxSessionDuration: 3600
  stsRegionalEndpoints: true
  tags:
    owner: platform-team
    ManagedBy: irsagen
    cost-center: "4711"
`)
	b.WriteString("\npolicies:\n")
	for _, p := range f.Policies {
		fmt.Fprintf(&b, "  - name: %s\n    description: %s\n    document:\n", p.Name, scalar(p.Description))
		b.WriteString("      Version: \"2012-10-17\"\n      Statement:\n")
		writeStatement(&b, "        ", Statement{Actions: p.Actions, Resources: p.Resources})
	}
	b.WriteString("\nserviceAccounts:\n")
	for i := range f.ServiceAccounts {
		writeServiceAccount(&b, &f.ServiceAccounts[i])
	}
	return b.Bytes()
}

func writeServiceAccount(b *bytes.Buffer, sa *ServiceAccount) {
	fmt.Fprintf(b, "  - name: %s\n    namespace: %s\n", sa.Name, sa.Namespace)
	writeList(b, "    ", "clusters", sa.Clusters)
	if sa.Account != "" {
		fmt.Fprintf(b, "    account: %s\n", sa.Account)
	}
	if sa.PerCluster {
		b.WriteString("    perCluster: true\n")
	}
	writeList(b, "    ", "managedPolicies", sa.ManagedPolicies)
	writeList(b, "    ", "policies", sa.Policies)
	if sa.Inline != nil {
		b.WriteString("    inlinePolicy:\n      Version: \"2012-10-17\"\n      Statement:\n")
		writeStatement(b, "        ", *sa.Inline)
	}
	writeList(b, "    ", "deployments", sa.Deployments)
	if sa.DisableSessionTags {
		b.WriteString("    podIdentity:\n      disableSessionTags: true\n")
	}
	writeMap(b, "tags", sa.Tags)
	writeMap(b, "labels", sa.Labels)
	writeMap(b, "annotations", sa.Annotations)
}

func writeStatement(b *bytes.Buffer, indent string, s Statement) {
	fmt.Fprintf(b, "%s- Effect: Allow\n", indent)
	writeList(b, indent+"  ", "Action", s.Actions)
	writeList(b, indent+"  ", "Resource", s.Resources)
}

// writeList writes a list in block style, one item per line, as people write irsa.yaml.
func writeList(b *bytes.Buffer, indent, key string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "%s%s:\n", indent, key)
	for _, s := range items {
		fmt.Fprintf(b, "%s  - %s\n", indent, scalar(s))
	}
}

func writeMap(b *bytes.Buffer, key string, kvs []KV) {
	if len(kvs) == 0 {
		return
	}
	fmt.Fprintf(b, "    %s:\n", key)
	for _, kv := range kvs {
		fmt.Fprintf(b, "      %s: %s\n", scalar(kv.Key), scalar(kv.Value))
	}
}

// scalar quotes s when YAML would not read it back as the same plain string.
func scalar(s string) string {
	if s == "" || strings.ContainsAny(s, ":#,[]{}&*!|>'\"%@` ") || strings.ContainsAny(s[:1], "-?0123456789.") {
		return strconv.Quote(s)
	}
	switch strings.ToLower(s) {
	case "y", "yes", "n", "no", "on", "off", "true", "false", "null", "~":
		return strconv.Quote(s)
	}
	return s
}
