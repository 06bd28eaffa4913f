"""What in an HTML page the strict CSP (script-src 'self'; style-src 'self') would block, read
by an HTML parser (so that text and attribute values that only spell "onerror=" or "style=",
escaped, are not taken for markup): <style> elements, style= attributes, <script> without src,
on*= event handler attributes, javascript: links."""
from html.parser import HTMLParser


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        names = {k.lower(): (v or "") for k, v in attrs}
        if tag == "style":
            self.problems.append("a <style> element")
        if tag == "script" and not names.get("src"):
            self.problems.append("an inline <script>")
        if "style" in names:
            self.problems.append("a style= attribute on <%s>" % tag)
        for k in names:
            if k.startswith("on"):
                self.problems.append("an event handler %s= on <%s>" % (k, tag))
        for k in ("href", "src", "action", "formaction"):
            if names.get(k, "").strip().lower().startswith("javascript:"):
                self.problems.append("a javascript: %s on <%s>" % (k, tag))

    handle_startendtag = handle_starttag


def inline_problems(text):
    """The list of what the CSP would block in `text` (empty: none)."""
    f = _Finder()
    f.feed(text)
    f.close()
    return f.problems
