package sppcrawl

// Gap is a URL seen on a list page and never stored, with why.
type Gap struct {
	URL     string `json:"url"`
	Site    string `json:"site,omitempty"` // the host of its channel's site (the URL's)
	Channel string `json:"channel"`
	Title   string `json:"title,omitempty"` // as the list page gave it
	Why     string `json:"why"`             // failed, gone, or not yet fetched
	Error   string `json:"error,omitempty"`
}
