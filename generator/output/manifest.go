package output

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// ManifestName is the file in DIR that records which files irsagen wrote. It is committed along
// with the rest of the output, so ownership travels with the tree.
const ManifestName = ".irsagen-manifest.json"

// manifestVersion changes whenever the manifest's meaning changes; an irsagen that meets a version
// it does not know refuses to guess which files it owns.
const manifestVersion = 1

const hashPrefix = "sha256:"

// manifest maps each file irsagen wrote to the hash of the bytes it wrote, one file per line in
// path order, so a one-file change is a one-line diff. It is what decodeManifest reads;
// encodeManifest writes the same JSON directly.
type manifest struct {
	Version int               `json:"version"`
	Files   map[string]string `json:"files"`
}

// encodeManifest records the given files, sorted by path, whose hashes are sums. The manifest is
// not listed in itself: its own hash would have to be known before it is written.
//
// It writes what json.Encoder writes for the manifest struct with two spaces of indentation and
// HTML escaping off (TestEncodeManifestMatchesJSON), without building a map of 18,000 entries and
// sorting it again: the files are already sorted, as a map's keys are marshalled, by bytes.
func encodeManifest(files []File, sums []digest) []byte {
	if len(files) == 0 {
		return fmt.Appendf(nil, "{\n  \"version\": %d,\n  \"files\": {}\n}\n", manifestVersion)
	}
	// A line is the path, the hash and 12 bytes of indentation and punctuation.
	size := 64
	for _, f := range files {
		size += len(f.Path) + len(hashPrefix) + 2*sha256.Size + 12
	}
	b := make([]byte, 0, size)
	b = fmt.Appendf(b, "{\n  \"version\": %d,\n  \"files\": {\n", manifestVersion)
	for i, f := range files {
		b = append(b, "    "...)
		b = appendJSONString(b, f.Path)
		b = append(b, ": \""+hashPrefix...)
		b = hex.AppendEncode(b, sums[i][:])
		b = append(b, '"')
		if i < len(files)-1 {
			b = append(b, ',')
		}
		b = append(b, '\n')
	}
	return append(b, "  }\n}\n"...)
}

// appendJSONString appends s as encoding/json quotes it without HTML escaping, which keeps paths
// readable (the file is never embedded in HTML). Paths are almost always printable ASCII without
// quotes, which stand for themselves; encoding/json handles the rest, so that its rules for
// control characters, invalid UTF-8 and U+2028 hold here too.
func appendJSONString(b []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\'
	}
	if plain {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err) // a string always marshals
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

// decodeManifest is strict: a manifest that irsagen did not write exactly as it writes them could
// make it delete the wrong file, so anything unexpected is an error rather than a guess. It
// accepts the same JSON with other spacing or order.
func decodeManifest(data []byte) (map[string]digest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m manifest
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("unexpected data after the JSON object")
	}
	if m.Version != manifestVersion {
		return nil, fmt.Errorf("version %d, this irsagen understands version %d", m.Version, manifestVersion)
	}
	owned := make(map[string]digest, len(m.Files))
	for p, h := range m.Files {
		if err := checkPath(p); err != nil {
			return nil, fmt.Errorf("file %w", err)
		}
		sum, ok := parseHash(h)
		if !ok {
			return nil, fmt.Errorf("file %q: hash %q is not %s followed by 64 hex digits", p, h, hashPrefix)
		}
		owned[p] = sum
	}
	return owned, nil
}

// parseHash reads a hash as encodeManifest writes it: the prefix and 64 lowercase hex digits.
func parseHash(h string) (digest, bool) {
	var sum digest
	hexPart, ok := strings.CutPrefix(h, hashPrefix)
	if !ok || len(hexPart) != 2*sha256.Size || strings.ToLower(hexPart) != hexPart {
		return sum, false
	}
	_, err := hex.Decode(sum[:], []byte(hexPart))
	return sum, err == nil
}
