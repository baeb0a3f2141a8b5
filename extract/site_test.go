package extract_test

import "sppcrawl/site/spp"

// sppSite reads www.spp.gov.cn's pages, the templates the package's
// fixtures and real pages are of, with the site's own layout and table.
var sppSite = spp.Site{}
