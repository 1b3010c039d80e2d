module github.com/daaskit/daas/internal/gen

go 1.25

require go.yaml.in/yaml/v3 v3.0.5
