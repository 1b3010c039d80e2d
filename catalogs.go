package daas

// MachineCatalogsService manages machine catalogs (/MachineCatalogs).
type MachineCatalogsService service
