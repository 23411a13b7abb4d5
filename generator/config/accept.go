package config

// Acceptance records that a finding of the permission lint is intended: a named policy or a
// ServiceAccount lists the rule ids it accepts, each with the reason a reviewer would ask for.
// The loader only decodes it; the lint package owns the rule ids, checks them (an unknown id is
// an error with a did-you-mean) and reports an acceptance that no longer matches a finding.
type Acceptance struct {
	Meta   `yaml:"-"`
	Rule   string `yaml:"rule" jsonschema:"required,pattern=^[a-z][a-z0-9-]*$,description=Id of the lint rule whose findings are accepted (docs/lint.md lists them)."`
	Reason string `yaml:"reason" jsonschema:"required,minLength=1,description=Why the finding is intended; required\\, so that reviewers see it."`
}
