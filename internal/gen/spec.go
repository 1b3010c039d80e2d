package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// The spec the generated files come from: Citrix's OpenAPI document as
// published in the module Citrix's Terraform provider pins.
const (
	specModule  = "github.com/citrix/citrix-daas-rest-go"
	specVersion = "v1.0.31"
	specFile    = "citrixorchestration/api/openapi.yaml"
)

// document is the part of an OpenAPI 3.0 document the generator reads.
type document struct {
	Paths      orderedMap[pathItem] `yaml:"paths"`
	Components struct {
		Schemas map[string]*schema `yaml:"schemas"`
	} `yaml:"components"`
}

// pathItem is one path's operations, by lower-case HTTP method.
type pathItem = orderedMap[*operation]

type operation struct {
	OperationID string              `yaml:"operationId"`
	Tags        []string            `yaml:"tags"`
	Description string              `yaml:"description"`
	Parameters  []parameter         `yaml:"parameters"`
	RequestBody *requestBody        `yaml:"requestBody"`
	Responses   map[string]response `yaml:"responses"`
}

type parameter struct {
	Name        string  `yaml:"name"`
	In          string  `yaml:"in"`
	Description string  `yaml:"description"`
	Required    bool    `yaml:"required"`
	Schema      *schema `yaml:"schema"`
}

type requestBody struct {
	Required bool                 `yaml:"required"`
	Content  map[string]mediaType `yaml:"content"`
}

type response struct {
	Content map[string]mediaType `yaml:"content"`
	Headers map[string]any       `yaml:"headers"`
}

type mediaType struct {
	Schema *schema `yaml:"schema"`
}

// schema is the part of an OpenAPI schema object the generator reads.
type schema struct {
	Ref                  string               `yaml:"$ref"`
	Type                 string               `yaml:"type"`
	Format               string               `yaml:"format"`
	Nullable             bool                 `yaml:"nullable"`
	Properties           orderedMap[*schema]  `yaml:"properties"`
	Required             []string             `yaml:"required"`
	Items                *schema              `yaml:"items"`
	AllOf                []*schema            `yaml:"allOf"`
	AdditionalProperties additionalProperties `yaml:"additionalProperties"`
	Enum                 []string             `yaml:"enum"`
	MinLength            int                  `yaml:"minLength"`
	Minimum              *float64             `yaml:"minimum"`
	Default              any                  `yaml:"default"`
	Deprecated           bool                 `yaml:"deprecated"`
}

// refName is the component name a $ref points to ("" for none).
func (s *schema) refName() string {
	const prefix = "#/components/schemas/"
	if s == nil || len(s.Ref) <= len(prefix) || s.Ref[:len(prefix)] != prefix {
		return ""
	}
	return s.Ref[len(prefix):]
}

// additionalProperties is either a boolean or a schema; only the schema
// matters (a map's value type).
type additionalProperties struct {
	Schema *schema
}

// UnmarshalYAML reads a boolean or a schema.
func (a *additionalProperties) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return nil
	}
	a.Schema = new(schema)
	return n.Decode(a.Schema)
}

// orderedMap is a YAML mapping kept in document order.
type orderedMap[V any] []entry[V]

type entry[V any] struct {
	Key   string
	Value V
}

// UnmarshalYAML reads a mapping in the order it is written.
func (m *orderedMap[V]) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: want a mapping", n.Line)
	}
	out := make(orderedMap[V], 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		var v V
		if err := n.Content[i+1].Decode(&v); err != nil {
			return err
		}
		out = append(out, entry[V]{n.Content[i].Value, v})
	}
	*m = out
	return nil
}

// specPath finds the pinned spec in the module cache, downloading the module
// if it is not there yet.
func specPath() (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", specModule+"@"+specVersion)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %v: %s", specModule, specVersion, err, stderr.String())
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: no module directory in %q", specModule, specVersion, out)
	}
	return filepath.Join(mod.Dir, filepath.FromSlash(specFile)), nil
}

// loadSpec reads and decodes an OpenAPI document.
func loadSpec(path string) (*document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc := new(document)
	if err := yaml.Unmarshal(data, doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}
