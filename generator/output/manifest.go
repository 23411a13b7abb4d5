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

// manifest maps each file irsagen wrote to the hash of the bytes it wrote. A map marshals with
// sorted keys, one file per line, so a one-file change is a one-line diff.
type manifest struct {
	Version int               `json:"version"`
	Files   map[string]string `json:"files"`
}

func hashOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hashPrefix + hex.EncodeToString(sum[:])
}

// encodeManifest records the given files. The manifest is not listed in itself: its own hash
// would have to be known before it is written.
func encodeManifest(files []File) []byte {
	m := manifest{Version: manifestVersion, Files: make(map[string]string, len(files))}
	for _, f := range files {
		m.Files[f.Path] = hashOf(f.Data)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep paths readable; the file is never embedded in HTML
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		// A struct of strings always marshals.
		panic(err)
	}
	return buf.Bytes() // Encode ends with a newline
}

// decodeManifest is strict: a manifest that irsagen did not write exactly as it writes them could
// make it delete the wrong file, so anything unexpected is an error rather than a guess.
func decodeManifest(data []byte) (map[string]string, error) {
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
	for p, h := range m.Files {
		if err := checkPath(p); err != nil {
			return nil, fmt.Errorf("file %w", err)
		}
		if !validHash(h) {
			return nil, fmt.Errorf("file %q: hash %q is not %s followed by 64 hex digits", p, h, hashPrefix)
		}
	}
	if m.Files == nil {
		m.Files = map[string]string{}
	}
	return m.Files, nil
}

func validHash(h string) bool {
	hexPart, ok := strings.CutPrefix(h, hashPrefix)
	if !ok || len(hexPart) != 2*sha256.Size || strings.ToLower(hexPart) != hexPart {
		return false
	}
	_, err := hex.DecodeString(hexPart)
	return err == nil
}
