package rules

import (
	"bytes"
	"encoding/json"
	"unicode"
)

// Size is a policy's length as IAM counts it: the characters of its JSON, whitespace not
// counted. The JSON is encoding/json's without HTML escaping, which is how the document reaches
// IAM through CloudFormation.
func Size(doc any) int {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		// Documents hold only what config's decoder and the Jsonnet evaluator produce.
		panic("rules: policy does not encode: " + err.Error())
	}
	n := 0
	for _, r := range buf.String() {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}
