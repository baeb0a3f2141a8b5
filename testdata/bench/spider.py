# A typical Scrapy spider of the site, for BenchmarkCrawlCost only (never
# run by CI: the benchmark runs it when Scrapy is installed). It walks each
# channel's list pages and yields every article's title, date and text, as
# a user of Scrapy would write it, with Scrapy's defaults except for the
# pace the benchmark sets for every crawler (no delay, 2 requests in flight).
#
#   python3 -m scrapy runspider spider.py -a origin=http://127.0.0.1:8000 \
#       -a channels=/spp/tt/,/spp/gjybs/ -o items.jsonl:jsonlines
import re

import scrapy


class SppSpider(scrapy.Spider):
    name = "spp"
    custom_settings = {
        "CONCURRENT_REQUESTS": 2,
        "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": True,
        "TELNETCONSOLE_ENABLED": False,
    }

    def __init__(self, origin, channels, **kw):
        super().__init__(**kw)
        self.origin = origin.rstrip("/")
        self.channels = [c for c in channels.split(",") if c]

    def start_requests(self):
        for c in self.channels:
            yield scrapy.Request(self.origin + c + "index.shtml", callback=self.parse_list)

    def parse_list(self, response):
        for href in response.css(".commonList_con li a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_article)
        if "index_" in response.url:
            return
        m = re.search(r"createPageHTML\('page_div',(\d+),", response.text)
        for p in range(2, int(m.group(1)) + 1 if m else 0):
            yield response.follow("index_%d.shtml" % p, callback=self.parse_list)

    def parse_article(self, response):
        yield {
            "url": response.url,
            "title": response.css(".detail_tit::text").get(default="").strip(),
            "published": response.css("meta[name=firstpublishedtime]::attr(content)").get(),
            "channel": response.css("meta[name=lanmu]::attr(content)").get(),
            "source": response.css(".detail_extend1::text").get(default="").strip(),
            "paragraphs": [p.strip() for p in response.css("#fontzoom p ::text").getall() if p.strip()],
        }
