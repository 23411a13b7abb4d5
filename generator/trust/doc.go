// Package trust evaluates and checks IAM role trust policies.
//
// irsagen's promise is that a generated role can be assumed by exactly one ServiceAccount. A
// template that merely looks right does not prove that, so this package answers the question the
// way IAM does: Evaluate decides whether a request (a principal, an action and the claims of a web
// identity token) is allowed by a trust policy and says, statement by statement, why not; Check
// enforces the house rules that keep every trust policy narrow. Both work on the generic value a
// JSON or YAML decoder produces, so they can be pointed at generated output as well as at policies
// written by hand.
package trust
