"""Scrape a cdcctl metrics endpoint and parse it with prometheus_client's own parser.

    metrics_scrape.py URL                 every sample, one per line: NAME{k="v",...} VALUE (sorted)
    metrics_scrape.py URL NAME [k=v ...]  the value of that one sample (exit 3 when absent)

A response that the parser rejects (bad exposition text) exits 2, so a test fails on it.
(Used by e2e/stream-metrics.sh; not executable, so scripts/test skips it.)
"""
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def samples(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        if response.status != 200:
            sys.exit(f"GET {url}: HTTP {response.status}")
        content_type = response.headers.get("Content-Type", "")
        if not content_type.startswith("text/plain"):
            sys.exit(f"GET {url}: Content-Type {content_type!r}, expected text/plain")
        text = response.read().decode("utf-8")
    out = {}
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
                out[f"{sample.name}{{{labels}}}"] = sample.value
    except Exception as error:  # the parser's ValueError, or anything it trips on
        print(f"unparsable exposition from {url}: {error}", file=sys.stderr)
        sys.exit(2)
    return out


def main():
    url, wanted = sys.argv[1], sys.argv[2:]
    found = samples(url)
    if not wanted:
        for key in sorted(found):
            print(key, repr(found[key]))
        return
    name, labels = wanted[0], sorted(wanted[1:])
    key = name + "{" + ",".join(f'{k}="{v}"' for k, v in (label.split("=", 1) for label in labels)) + "}"
    if key not in found:
        sys.exit(3)
    value = found[key]
    print(int(value) if value == int(value) else value)


if __name__ == "__main__":
    main()
