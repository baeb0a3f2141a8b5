// Package s12309 is 12309 中国检察网 (www.12309.gov.cn) as a sppcrawl.Site:
// the case information every procuratorate of the country publishes there
// (重要案件信息 and the 法律文书 kinds), listed through the site's list
// service (POST /getFileListByPage, one channel per kind, every region),
// read from its detail pages, with the service's record for what a page
// lacks (its full publish time, its text).
//
// # Caveats
//
// The service and the detail templates are known from evidence
// (../shared/sites.md), not from the live site: every answer form the
// evidence leaves open is accepted (hits.total a number or
// {value,relation}, content text or HTML, publishedTimeStr as a date, a
// date and time or epoch milliseconds, the JSON body refused and the form
// sent instead), and anything else is refused naming the answer and why.
// A record without the URL of its detail page is fetched where the site's
// detail URLs put it when it names its region, id and day, else not
// archived (its id and URL would be invented). What the record adds to a page (a publish time
// the page gives only as a day, text a page does not hold) is there when
// the page is read again only through the record kept beside its raw page
// (sppcrawl.ParseRaw); a page fetched alone (a failure-log retry, fetch)
// must hold its text.
package s12309
