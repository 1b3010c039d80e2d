package daas

// The models, enums and operation table in the zz_*.go files, and
// docs/operations.md, are generated from Citrix's OpenAPI spec by the nested
// module internal/gen.
//go:generate env GOWORK=off go -C internal/gen run . -root ../..
