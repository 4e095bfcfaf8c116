// Command render renders a Helm chart offline, as `helm template` does,
// with Go's text/template, the sprig functions and Helm's own functions
// (include, tpl, required, toYaml, fromYaml, toJson, fromJson, lookup), so
// that the chart can be checked where no helm binary exists. It reads only
// Debian's Go packages (sprig, sigs.k8s.io/yaml) and builds without network
// (GO111MODULE=off, GOPATH including /usr/share/gocode).
//
// Usage:
//
//	render -chart helm/qpp [-f values.yaml]... [-set-file key=path]...
//	       [-release qpp] [-namespace qpp] [-o out.yaml] [-json out.json]
//	       [-values-out values.json] [-notes]
//
// Values: the chart's values.yaml, then each -f file merged over it (maps
// merge key by key; null deletes a key), then each -set-file (a dotted
// key set to a file's content). Every document of every template not
// named _* is written to -o as YAML with a "# Source:" line, and to -json
// as one JSON array of {"source", "object"}; a document that is not valid
// YAML fails the run. NOTES.txt is rendered only with -notes (to stdout).
// Hooks and test pods are rendered like any other object.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"sigs.k8s.io/yaml"
)

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// Files is .Files: the chart's files outside templates/.
type Files map[string][]byte

// Get returns a file's content, "" if absent (as Helm's Files.Get).
func (f Files) Get(name string) string { return string(f[name]) }

// GetBytes returns a file's content, nil if absent.
func (f Files) GetBytes(name string) []byte { return f[name] }

// Capabilities is the part of .Capabilities that charts commonly read.
type Capabilities struct {
	KubeVersion struct{ Version, Major, Minor, GitVersion string }
	APIVersions apiVersions
}

type apiVersions []string

// Has reports whether the fake cluster serves an API version: every
// built-in group and the custom resources the chart may render.
func (a apiVersions) Has(v string) bool {
	for _, x := range a {
		if x == v || strings.HasPrefix(v, x+"/") {
			return true
		}
	}
	return false
}

func main() {
	chartDir := flag.String("chart", "helm/qpp", "chart directory")
	release := flag.String("release", "qpp", "release name")
	namespace := flag.String("namespace", "qpp", "release namespace")
	out := flag.String("o", "", "write the YAML stream here (default stdout)")
	jsonOut := flag.String("json", "", "also write the objects as a JSON array here")
	notes := flag.Bool("notes", false, "print the rendered NOTES.txt to stdout")
	valuesOut := flag.String("values-out", "", "also write the merged values as JSON here")
	var valueFiles, setFiles multiFlag
	flag.Var(&valueFiles, "f", "values file merged over the chart's (repeatable)")
	flag.Var(&setFiles, "set-file", "key.path=file: set a value to a file's content (repeatable)")
	flag.Parse()

	if err := run(*chartDir, *release, *namespace, valueFiles, setFiles, *out, *jsonOut, *valuesOut, *notes); err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(1)
	}
}

func readYAMLMap(file string) (map[string]interface{}, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if m == nil {
		m = map[string]interface{}{}
	}
	return m, nil
}

// coalesce merges `base` under `over` as Helm does: keys missing from
// `over` come from `base`, maps merge recursively, null in `over` deletes.
func coalesce(over, base map[string]interface{}) map[string]interface{} {
	for k, bv := range base {
		ov, ok := over[k]
		if !ok {
			over[k] = bv
			continue
		}
		if ov == nil {
			delete(over, k)
			continue
		}
		om, oIsMap := ov.(map[string]interface{})
		bm, bIsMap := bv.(map[string]interface{})
		if oIsMap && bIsMap {
			over[k] = coalesce(om, bm)
		}
	}
	for k, v := range over {
		if v == nil {
			delete(over, k)
		}
	}
	return over
}

func setPath(values map[string]interface{}, dotted string, value interface{}) {
	keys := strings.Split(dotted, ".")
	m := values
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]interface{})
		if !ok {
			next = map[string]interface{}{}
			m[k] = next
		}
		m = next
	}
	m[keys[len(keys)-1]] = value
}

func loadChart(dir string) (map[string]interface{}, Files, map[string]string, error) {
	meta, err := readYAMLMap(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, nil, nil, err
	}
	// .Chart has Helm's field names: Name, Version, AppVersion, …
	chart := map[string]interface{}{}
	for k, v := range meta {
		switch k {
		case "apiVersion":
			chart["APIVersion"] = v
		case "appVersion":
			chart["AppVersion"] = v
		case "kubeVersion":
			chart["KubeVersion"] = v
		default:
			chart[strings.ToUpper(k[:1])+k[1:]] = v
		}
	}
	files := Files{}
	templates := map[string]string{}
	name, _ := meta["name"].(string)
	err = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasPrefix(rel, "templates/") {
			templates[path.Join(name, rel)] = string(data)
		} else {
			files[rel] = data
		}
		return nil
	})
	return chart, files, templates, err
}

// funcMap is sprig's, less what reads the environment, plus Helm's.
func funcMap(t **template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	f["toYaml"] = func(v interface{}) string {
		data, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(data), "\n")
	}
	f["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["fromYamlArray"] = func(s string) []interface{} {
		a := []interface{}{}
		if err := yaml.Unmarshal([]byte(s), &a); err != nil {
			a = []interface{}{err.Error()}
		}
		return a
	}
	f["toJson"] = func(v interface{}) string {
		data, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(data)
	}
	f["fromJson"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["required"] = func(warn string, v interface{}) (interface{}, error) {
		if v == nil {
			return v, errors.New(warn)
		}
		if s, ok := v.(string); ok && s == "" {
			return v, errors.New(warn)
		}
		return v, nil
	}
	f["fail"] = func(msg string) (string, error) { return "", errors.New(msg) }
	// Offline, like `helm template`: no cluster, so nothing is found.
	f["lookup"] = func(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	f["include"] = func(name string, data interface{}) (string, error) {
		var buf strings.Builder
		err := (*t).ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		c, err := (*t).Clone()
		if err != nil {
			return "", err
		}
		c, err = c.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf strings.Builder
		err = c.Execute(&buf, data)
		return strings.ReplaceAll(buf.String(), "<no value>", ""), err
	}
	return f
}

var docSeparator = regexp.MustCompile(`(?m)^---[ \t]*(#.*)?$`)

func run(chartDir, release, namespace string, valueFiles, setFiles []string, out, jsonOut, valuesOut string, notes bool) error {
	chart, files, templates, err := loadChart(chartDir)
	if err != nil {
		return err
	}
	values, err := readYAMLMap(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return err
	}
	for _, file := range valueFiles {
		over, err := readYAMLMap(file)
		if err != nil {
			return err
		}
		values = coalesce(over, values)
	}
	for _, kv := range setFiles {
		key, file, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("-set-file %q: want key=path", kv)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		setPath(values, key, string(data))
	}

	if valuesOut != "" {
		data, err := json.MarshalIndent(values, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(valuesOut, append(data, '\n'), 0o644); err != nil {
			return err
		}
	}

	caps := Capabilities{APIVersions: apiVersions{"v1", "apps/v1", "batch/v1",
		"policy/v1", "autoscaling/v2", "networking.k8s.io/v1",
		"monitoring.coreos.com/v1", "gateway.networking.k8s.io/v1"}}
	caps.KubeVersion.Version, caps.KubeVersion.GitVersion = "v1.29.0", "v1.29.0"
	caps.KubeVersion.Major, caps.KubeVersion.Minor = "1", "29"

	var t *template.Template
	t = template.New("chart").Funcs(funcMap(&t)).Option("missingkey=zero")
	names := make([]string, 0, len(templates))
	for name := range templates {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := t.New(name).Parse(templates[name]); err != nil {
			return err
		}
	}

	var yamlOut bytes.Buffer
	type object struct {
		Source string      `json:"source"`
		Object interface{} `json:"object"`
	}
	objects := []object{}
	for _, name := range names {
		base := path.Base(name)
		if strings.HasPrefix(base, "_") || (base == "NOTES.txt" && !notes) {
			continue
		}
		data := map[string]interface{}{
			"Values":       values,
			"Chart":        chart,
			"Files":        files,
			"Capabilities": caps,
			"Release": map[string]interface{}{
				"Name": release, "Namespace": namespace, "Service": "Helm",
				"IsInstall": true, "IsUpgrade": false, "Revision": 1,
			},
			"Template": map[string]interface{}{
				"Name": name, "BasePath": path.Join(path.Dir(strings.SplitN(name, "/templates/", 2)[0]), "templates"),
			},
		}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, name, data); err != nil {
			return err
		}
		rendered := strings.ReplaceAll(buf.String(), "<no value>", "")
		if base == "NOTES.txt" {
			fmt.Print(rendered)
			continue
		}
		for _, doc := range docSeparator.Split(rendered, -1) {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			var obj interface{}
			if err := yaml.UnmarshalStrict([]byte(doc), &obj); err != nil {
				return fmt.Errorf("%s: not valid YAML: %w\n%s", name, err, doc)
			}
			if obj == nil {
				continue // only comments
			}
			objects = append(objects, object{name, obj})
			fmt.Fprintf(&yamlOut, "---\n# Source: %s\n%s\n", name, strings.Trim(doc, "\n"))
		}
	}

	if out == "" {
		os.Stdout.Write(yamlOut.Bytes())
	} else if err := os.WriteFile(out, yamlOut.Bytes(), 0o644); err != nil {
		return err
	}
	if jsonOut != "" {
		data, err := json.MarshalIndent(objects, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(jsonOut, append(data, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}
