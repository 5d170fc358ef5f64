"""The demo agency's words: client names, people, cities, scope, activities, requests
(plain data, so that the demo's logic reads without them)."""

from __future__ import annotations

from tracker.models import Outcome

FIRST = (
    "Northwind", "Harbor", "Copperline", "Lumen", "Greenleaf", "Atlas", "Pinecrest",
    "Riverbend", "Bright Smile", "Summit", "Bayview", "Oakridge", "Bluewater", "Redwood",
    "Silverline", "Maple", "Ironclad", "Sunrise", "Evergreen", "Granite", "Horizon", "Juniper",
    "Keystone", "Lakeside", "Meridian", "Nimbus", "Orchard", "Prairie", "Quarry", "Saffron",
    "Tidewater", "Upland", "Vantage", "Willow", "Yellowstone", "Zephyr", "Aurora", "Beacon",
    "Cedar", "Driftwood",
)
SECOND = (
    "Outdoor", "Dental Group", "Coffee", "Solar", "Pets", "Freight", "Realty", "Clinics",
    "Ortho", "Legal", "Hotels", "Bakery", "Fitness", "Insurance", "Motors", "Apparel",
    "Software", "Vineyards", "Home Care", "Academy", "Logistics", "Cosmetics", "Roofing",
    "Plumbing", "Eyewear", "Brewing", "Furniture", "Travel", "Pharmacy", "Florists",
    "Bikes", "Kitchens", "Labs", "Tiles", "Audio", "Marine", "Games", "Garden Supply",
    "Spa", "Printing",
)
PEOPLE = (
    "Maria Lopez", "Tom Reed", "Aisha Khan", "Jonas Berg", "Mei Chen", "Luca Rossi",
    "Sara Nilsson", "Omar Haddad", "Grace Kim", "Pedro Alves", "Nina Petrova", "Sam Carter",
    "Yuki Tanaka", "Ravi Patel", "Emma Dubois", "Kofi Mensah", "Lena Fischer", "Diego Ruiz",
    "Hana Novak", "Ian Walsh",
)
CITIES = ("Denver", "Miami", "Seattle", "Austin", "Chicago", "Boston", "Toronto", "Phoenix")
SCOPE = (
    ("Google Ads account restructure", "new campaign structure", "CPA -20% in 90 days"),
    ("SEO technical audit", "audit report and fix list", "crawl errors < 50"),
    ("Landing page A/B tests", "2 tests a month", "conversion rate +15%"),
    ("Monthly content plan", "4 articles a month", "organic sessions +25%"),
    ("Meta Ads prospecting", "3 audiences, 6 creatives", "ROAS >= 3"),
    ("Conversion tracking setup", "GA4 + tag manager", "all key events tracked"),
)
#: (title, is a test, result, outcome) of work reported in the monthly report
ACTIVITIES = (
    ("Landing page headline A/B test", True, "Variant B: +12% form fills (95% confidence)",
     Outcome.WIN),
    ("Target CPA bidding trial on brand campaigns", True,
     "CPA rose 9% during the learning phase; back to manual CPC", Outcome.LEARNING),
    ("Negative keyword clean-up", False, "212 wasted search terms excluded", Outcome.WIN),
    ("Checkout page trust badges test", True, "No significant difference after 3 weeks",
     Outcome.LEARNING),
    ("Internal linking on the top 20 blog posts", False, "Done; rankings to be re-checked",
     Outcome.OPEN),
    ("Retargeting audience refresh", False, "Audiences rebuilt from GA4 events", Outcome.OPEN),
    ("Product feed title rewrite", True, "Shopping CTR +0.8 pt on rewritten items",
     Outcome.WIN),
    ("Call-tracking number on landing pages", False,
     "Phone leads now counted as conversions", Outcome.WIN),
)
REQUESTS = (
    "Add TikTok ads for the spring launch",
    "Build a landing page for the trade show",
    "Weekly instead of monthly reporting",
    "Audit the Bing account too",
    "Write product descriptions for 40 SKUs",
    "Set up an email nurture sequence",
)
