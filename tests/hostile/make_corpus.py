"""Write the hostile-input corpus of this folder (run it to regenerate the files).

Each file is one kind of bad or hostile input; ``expected.json`` says what must
become of it: ``{"refused": "words of the error"}`` (the CLI reports it and goes
on, the API answers 422 naming it, nothing is written) or ``{"stored": {...}}``
(the article is stored, with the listed facts).  Bodies differ so that no two
stored files are the same article.
"""
from __future__ import annotations

import codecs
from pathlib import Path

HERE = Path(__file__).resolve().parent


def body(n: int) -> str:
    """A short dispatch with a dated event; ``n`` makes it distinct."""
    return (f"新华社马斯喀特2025年2月{n}日电 伊朗和美国代表团{n}日在阿曼首都马斯喀特举行第{n}轮间接谈判。"
            f"双方同意{n + 1}日继续会谈。")


def corpus() -> dict[str, bytes]:
    return {
        # empty and binary
        "empty.txt": b"",
        "blank.txt": b"  \n\t\r\n   \n",
        "bom_only.txt": codecs.BOM_UTF8 + b"\n",
        "image.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)),
        "nul_in_utf8.txt": body(1).encode()[:30] + b"\x00\x00" + body(1).encode()[30:],
        "controls.txt": ("伊美谈判\x07\x1b[31m\x08" * 30 + body(2)).encode(),
        # wrong and broken encodings
        "latin1.txt": "Caf\xe9 cr\xe8me, na\xefve fa\xe7ade \xe0 la mode, le 6 f\xe9vrier.".encode("latin-1"),
        "truncated_utf8.txt": body(3).encode()[:-2],
        "damaged_utf8.txt": body(4).encode()[:60] + b"\xff\xfe" + body(4).encode()[60:],
        "utf16_without_bom.txt": body(5).encode("utf-16-le"),
        "utf16_nul.txt": codecs.BOM_UTF16_LE + (body(6)[:12] + "\x00" + body(6)[12:]).encode("utf-16-le"),
        "utf16_with_bom.txt": codecs.BOM_UTF16_LE + body(7).encode("utf-16-le"),
        "gb18030.txt": body(8).encode("gb18030"),
        "big5.txt": ("伊朗與美國代表團2025年2月24日在阿曼首都馬斯喀特舉行第24輪間接談判。雙方同意25日繼續會談。").encode("big5"),
        "few_controls.txt": ("伊美谈判\x1b\n\n" + body(9)).encode(),
        # sizes and markup
        "huge_line.txt": (body(10) * 650).encode(),
        "too_long.txt": "\n".join(body(25) for _ in range(1800)).encode(),
        "deep_nesting.html": ("<html><body><article>" + "<div>" * 20000 + "<p>" + body(11) + "</p>"
                              + "</div>" * 20000 + "</article></body></html>").encode(),
        "unclosed.html": ("<html><head><title>伊美谈判<body><article><div><p>" + body(12)
                          + "<div><span><b><i>续<!-- never closed").encode(),
        "unclosed_script.html": ("<html><body><p>" + body(13) + "</p><script>var a = '<p>隐藏" + body(14)
                                 + "</p>';").encode(),
        "markup_only.html": b"<html><body><script>alert(1)</script><style>p{color:red}</style></body></html>",
        "scripts.html": (
            "<!doctype html><html><head><title>&lt;img src=x onerror=alert(1)&gt;伊美谈判</title>"
            "<script>alert('head')</script></head><body onload='alert(2)'><article>"
            "<h1 onclick='alert(3)'>&lt;img src=x onerror=alert(1)&gt;伊美谈判</h1>"
            f"<p onmouseover=\"alert(5)\">{body(15)}</p><script>document.write('注入')</script>"
            "<img src=x onerror=alert(6)><a href='javascript:alert(7)'>点击</a>"
            "<svg onload=alert(8)><text>矢量</text></svg><iframe src='javascript:alert(9)'></iframe>"
            "<p>&lt;script&gt;alert(10)&lt;/script&gt;</p></article></body></html>").encode(),
        "long_heading.md": ("# " + "标题" * 800 + "\n\n" + body(16)).encode(),
        "long_metadata.md": ("---\ntitle: " + "长" * 3000 + "\nsource: " + "源" * 500 + "\nauthor: "
                             + "作" * 500 + "\nurl: https://example.org/" + "a" * 3000 + "\n---\n" + body(17)).encode(),
        # front matter
        "front_matter_unclosed.md": ("---\ntitle: 伊美谈判\ndate: 2025-02-06\n" + body(18)).encode(),
        "front_matter_bad_line.md": ("---\ntitle: 伊美谈判\n{{ not: [yaml\n---\n" + body(19)).encode(),
        "front_matter_bad_date.md": ("---\ntitle: 伊美谈判二十\ndate: 2025-02-30\n---\n" + body(20)).encode(),
        # dates out of range
        "published_0025.md": ("---\ntitle: 伊美谈判\ndate: 0025-02-06\n---\n" + body(21)).encode(),
        "published_9999.md": ("---\ntitle: 伊美谈判\ndate: 9999-12-31\n---\n" + body(22)).encode(),
        "dates_at_calendar_ends.md": (
            "---\ntitle: 历法边缘\ndate: 2025-02-06\n---\n伊朗和美国代表团9999年12月31日在阿曼举行谈判。次日双方继续会谈。"
            "伊朗和俄罗斯代表团0001年1月5日在德黑兰举行会谈。前一天双方会谈。").encode(),
        # strings that look like SQL or paths, as metadata and text
        "sql_and_paths.md": ("---\ntitle: \"'; DROP TABLE articles; --\"\nsource: \"1' OR '1'='1\"\n"
                             "url: \"../../../../etc/passwd\"\n---\n" + body(23)
                             + "\n\nRobert'); DROP TABLE events;-- 与 ../../etc/shadow 和 %00 以及 ${jndi:ldap://x}").encode(),
    }


def main() -> None:
    for name, data in corpus().items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
