package daastest

import (
	"fmt"
	"net/http"
	"strings"
)

// This file serves what a caller learns about itself and its sites: GET /me,
// GET /Sites and GET /Sites/{nameOrId}.

// Facts the fake reports about every site: a current Citrix DaaS site.
const (
	siteProductVersion   = "7.47.0.14"
	siteProductCode      = "XDT"
	siteProductEdition   = "PLT"
	siteOrchestrationAPI = 124
	primaryZone          = "Initial Zone"
)

// siteRoutes are the routes about the caller and its sites. None needs
// Citrix-InstanceId: the spec lists it on none of them.
func siteRoutes() []*route {
	rts := []*route{
		newRoute(routeMe, func(s *Server, c *call) *reply { return s.me(c.r, c.caller) }),
		newRoute(routeListSites, func(s *Server, _ *call) *reply { return s.listSites() }),
		newRoute(routeGetSite, func(s *Server, c *call) *reply { return s.getSite(c.args[0]) }),
	}
	for _, rt := range rts {
		rt.siteless = true
	}
	return rts
}

// siteName is the name of site i (from 0): cloudxdsite, cloudxdsite2, ...
func siteName(i int) string {
	if i == 0 {
		return "cloudxdsite"
	}
	return fmt.Sprintf("cloudxdsite%d", i+1)
}

// siteRefs lists the customer's sites as SiteResponseModel.
func (s *Server) siteRefs() []siteModel {
	sites := make([]siteModel, len(s.sites))
	for i, id := range s.sites {
		sites[i] = siteModel{ID: id, Name: siteName(i)}
	}
	return sites
}

// me serves GET /me.
func (s *Server) me(r *http.Request, c caller) *reply {
	tok, _ := parseAuthorization(r.Header.Get("Authorization"))
	expiry := s.tokens[tok].expires.UTC().Format("3:04:05 PM")
	return jsonReply(http.StatusOK, meModel{
		UserID:                c.clientID,
		DisplayName:           strPtr("API client " + c.clientID),
		ExpiryTime:            expiry,
		RefreshExpirationTime: expiry,
		Customers:             []customerModel{{ID: s.CustomerID, Sites: s.siteRefs()}},
	})
}

// listSites serves GET /Sites: every site of the customer, in one page.
func (s *Server) listSites() *reply {
	sites := s.siteRefs()
	total := len(sites)
	return jsonReply(http.StatusOK, siteCollection{Items: sites, TotalItems: &total})
}

// getSite serves GET /Sites/{nameOrId}: a site by id or name, in any case.
func (s *Server) getSite(nameOrID string) *reply {
	for i, id := range s.sites {
		if strings.EqualFold(id, nameOrID) || strings.EqualFold(siteName(i), nameOrID) {
			zone := s.zones[strings.ToLower(primaryZone)]
			return jsonReply(http.StatusOK, siteDetailModel{
				siteModel:              siteModel{ID: id, Name: siteName(i)},
				OrchestationAPIVersion: siteOrchestrationAPI,
				ProductCode:            siteProductCode,
				ProductEdition:         siteProductEdition,
				ProductVersion:         siteProductVersion,
				LicensingModel:         "Concurrent",
				ColorDepth:             "TwentyFourBit",
				DefaultDesktopIconID:   "1",
				EnabledFeatures:        []string{},
				SiteServices:           []siteServiceModel{},
				PrimaryZone:            *zone,
				Metadata:               []NameValue{},
			})
		}
	}
	return notFound("Site", nameOrID)
}

// siteCollection is SiteResponseModelCollection.
type siteCollection struct {
	Items             []siteModel `json:"Items"`
	ContinuationToken *string     `json:"ContinuationToken"`
	TotalItems        *int        `json:"TotalItems"`
}

// siteDetailModel is SiteDetailResponseModel: the properties the spec
// requires and the few a client reads (ProductVersion right after /me).
type siteDetailModel struct {
	siteModel
	OrchestationAPIVersion int                `json:"OrchestationApiVersion"` // sic, as the spec spells it
	ProductCode            string             `json:"ProductCode"`
	ProductEdition         string             `json:"ProductEdition"`
	ProductVersion         string             `json:"ProductVersion"`
	LicensingModel         string             `json:"LicensingModel"`
	ColorDepth             string             `json:"ColorDepth"`
	DefaultDesktopIconID   string             `json:"DefaultDesktopIconId"`
	EnabledFeatures        []string           `json:"EnabledFeatures"`
	SiteServices           []siteServiceModel `json:"SiteServices"`
	PrimaryZone            refModel           `json:"PrimaryZone"`
	Metadata               []NameValue        `json:"Metadata"`
}

// siteServiceModel is SiteServiceResponseModel; the fake lists none.
type siteServiceModel struct {
	ServiceName  string   `json:"ServiceName"`
	ServiceType  string   `json:"ServiceType"`
	Capabilities []string `json:"Capabilities"`
}
