#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the reader-mode corpus: pages modelled on the structures of real
sites (news, blogs, references, documentation, forums, recipes, several
languages), each with NAME.html, NAME.expected.txt (the words a reader
keeps, in order) and NAME.meta (title, authors, date, site a citation
needs). The article of each page is written once, below, and placed in
the furniture of its kind of site; the expected text is the article, not
what Marginalia shows. Run it from this folder after editing a page."""

import html
import re

LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


def inline(text):
    out, last = [], 0
    for m in LINK.finditer(text):
        out.append(html.escape(text[last:m.start()], quote=False))
        out.append('<a href="%s">%s</a>' % (html.escape(m.group(2)), html.escape(m.group(1), quote=False)))
        last = m.end()
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


def plain(text):
    return LINK.sub(lambda m: m.group(1), text)


def render(blocks, p_class=None, fig="figure"):
    """Article blocks to HTML and to the expected lines."""
    h, e = [], []
    pc = ' class="%s"' % p_class if p_class else ""
    for b in blocks:
        kind = b[0]
        if kind in ("h1", "h2", "h3"):
            h.append("<%s>%s</%s>" % (kind, inline(b[1]), kind))
            e.append(plain(b[1]))
        elif kind == "p":
            h.append("<p%s>%s</p>" % (pc, inline(b[1])))
            e.append(plain(b[1]))
        elif kind in ("ul", "ol"):
            h.append("<%s>%s</%s>" % (kind, "".join("<li>%s</li>" % inline(i) for i in b[1]), kind))
            e.extend(plain(i) for i in b[1])
        elif kind == "quote":
            h.append("<blockquote><p>%s</p></blockquote>" % inline(b[1]))
            e.append(plain(b[1]))
        elif kind == "code":
            h.append("<pre><code>%s</code></pre>" % html.escape(b[1], quote=False))
            e.append(b[1])
        elif kind == "table":
            caption, rows = b[1], b[2]
            t = ["<table>"]
            if caption:
                t.append("<caption>%s</caption>" % html.escape(caption))
                e.append(caption)
            t.append("<thead><tr>%s</tr></thead><tbody>" % "".join("<th>%s</th>" % html.escape(c) for c in rows[0]))
            for r in rows[1:]:
                t.append("<tr>%s</tr>" % "".join("<td>%s</td>" % html.escape(c) for c in r))
            t.append("</tbody></table>")
            h.append("".join(t))
            e.extend(" ".join(r) for r in rows)
        elif kind == "figure":
            src, caption = b[1], b[2]
            if fig == "figure":
                h.append('<figure><img src="%s" alt="Photo"><figcaption>%s</figcaption></figure>' % (src, html.escape(caption)))
            else:
                h.append('<div class="image-block"><img src="%s" alt=""><p class="caption">%s</p></div>' % (src, html.escape(caption)))
            e.append("[Image]")
            e.append(caption)
        elif kind == "img":
            h.append('<p><img src="%s" alt="%s"></p>' % (b[1], html.escape(b[2])))
            e.append("[Image: %s]" % b[2])
        elif kind == "raw":
            h.append(b[1])
            e.append(b[2])
    return "\n".join(h), e


def write(name, page, expected, meta):
    with open(name + ".html", "w", encoding="utf-8") as f:
        f.write(page)
    with open(name + ".expected.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(expected) + "\n")
    with open(name + ".meta", "w", encoding="utf-8") as f:
        for k in ("title", "authors", "date", "site"):
            f.write("%s=%s\n" % (k, meta.get(k, "")))


def head(title, extra=""):
    return """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>%s</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/site.css">
<script>window.dataLayer=[];function gtag(){dataLayer.push(arguments)}</script>
%s
</head>
""" % (html.escape(title), extra)


COOKIE = """<div id="onetrust-consent-sdk"><div class="ot-sdk-container" role="dialog" aria-label="Privacy">
<p>We and our 842 partners store and access information on your device, such as cookies, to personalise ads and content, and to measure audiences.</p>
<button>Accept all</button> <button>Reject all</button> <a href="/privacy">Manage preferences</a></div></div>"""

NAV = """<nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/business">Business</a></li>
<li><a href="/technology">Technology</a></li><li><a href="/science">Science</a></li><li><a href="/culture">Culture</a></li><li><a href="/opinion">Opinion</a></li></ul></nav>"""

SHARE = """<div class="share-bar"><a href="https://facebook.com/sharer">Facebook</a> <a href="https://twitter.com/share">Twitter</a>
<a href="https://linkedin.com/share">LinkedIn</a> <a href="mailto:?subject=x">Email</a> <button>Copy link</button></div>"""

RELATED = """<section class="related-articles"><h2>More from Science</h2><ul>
<li><a href="/s/1">Glaciers in the Alps lost a tenth of their ice in two summers</a></li>
<li><a href="/s/2">How a tiny beetle survives the Namib desert's driest months</a></li>
<li><a href="/s/3">The quiet race to map every tree on the planet</a></li>
<li><a href="/s/4">Why your city is hotter at night than the countryside around it</a></li></ul></section>"""

COMMENTS = """<section id="comments" class="comments-section"><h2>Comments (3)</h2>
<div class="comment"><p class="comment-author">riverwatcher</p><p>I grew up near a delta and we never heard any of this at school, which is a shame, because the changes were visible every year.</p></div>
<div class="comment"><p class="comment-author">M. Okafor</p><p>Good article, but the part about sediment could have said more about the dams upstream and who decides how they are run.</p></div>
<div class="comment"><p class="comment-author">jl</p><p>Thanks, sharing this with my students next week.</p></div>
<form class="comment-form"><textarea name="c"></textarea><button>Post comment</button></form></section>"""

FOOTER = """<footer class="site-footer"><div class="footer-links"><a href="/about">About us</a> <a href="/contact">Contact</a>
<a href="/careers">Careers</a> <a href="/terms">Terms of use</a> <a href="/privacy">Privacy policy</a></div>
<p>© 2024 Example Media Group. All rights reserved. Registered in England and Wales.</p></footer>"""

NEWSLETTER = """<div class="newsletter-signup"><h3>Get the morning briefing</h3><p>The day's most important stories, in your inbox before breakfast.</p>
<form><input type="email" placeholder="Your email"><button>Sign up</button></form></div>"""

AD = """<div class="ad-container"><div class="ad-label">Advertisement</div><div id="div-gpt-ad-1" class="ad-slot"></div></div>"""

# ---------------------------------------------------------------- articles

DELTAS = [
    ("p", "Across the world's great deltas, from the Mekong to the Mississippi, the ground is quietly sinking. Scientists at the [Delta Institute](https://example.org/institute) say the cause is mostly human: dams hold back the sediment that once rebuilt the land, and wells pump out the groundwater that held it up."),
    ("p", "\"It is not a slow process any more,\" said Minh Tran, a hydrologist who has measured the Mekong for twenty years. \"In some places the land drops two or three centimetres a year, which is ten times faster than the sea is rising.\""),
    ("h2", "What the measurements show"),
    ("p", "The team combined three sources of data, each with its own weaknesses, and compared them where they overlapped:"),
    ("ul", ["satellite radar, which sees large areas but only every few weeks,", "GPS stations fixed to bedrock and to buildings,", "tide gauges along the coast, some of them a century old."]),
    ("p", "Where all three agreed, the picture was stark. Of the forty deltas studied, thirty-three are sinking faster than the nearby sea is rising, and in eleven of them the rate has doubled since 2000."),
    ("quote", "Deltas are where rivers meet the sea, and where half a billion people live. What happens to them happens to a great many lives."),
    ("h2", "Can it be slowed?"),
    ("p", "Some cities have already shown that it can. Tokyo stopped most groundwater pumping in the 1970s, and the ground beneath it almost stopped sinking within a decade. Shanghai recharges its aquifers by pumping water back down."),
    ("p", "For rural deltas the answer is harder. Farmers depend on wells, and the dams upstream belong to other countries. The researchers call for sediment to be let through dams during floods, and for wells to be metered, two measures that cost little but need agreement."),
]

BLOG_BREAD = [
    ("p", "I have baked bread at home for six years now, and for most of those years I got it wrong in the same way: I was impatient. This post is about the one change that made the biggest difference, which is letting the dough rise slowly in the cold."),
    ("h2", "Why a cold rise works"),
    ("p", "Yeast slows down in the fridge, but the enzymes in flour keep working. They break starch into sugars, and those sugars are what give a long-fermented loaf its colour and its slightly sweet, nutty taste. A dough that rises in two hours at room temperature never gets that far."),
    ("p", "There is a practical side too. A dough in the fridge waits for you. You can mix it after dinner, shape it in the morning, and bake it when you come home, and it will not overproof while you are out."),
    ("h2", "My routine"),
    ("ol", ["Mix 500 g flour, 350 g water, 10 g salt and 3 g yeast until no dry flour is left.", "Fold the dough four times over the first two hours, every thirty minutes.", "Cover it and put it in the fridge for 18 to 48 hours.", "Shape it cold, let it warm for an hour, and bake at 240 degrees in a covered pot."]),
    ("p", "The longer it stays in the fridge, the more sour the bread becomes. I like it best after about a day and a half, but it is worth trying a few lengths and keeping notes."),
    ("quote", "Time is the one ingredient you cannot buy, and the one that matters most."),
    ("p", "If you try this, tell me how it went. And if your kitchen is very warm, reduce the yeast a little: the fridge slows it down, but it does not stop it."),
]

MEDIUM = [
    ("p", "Every team I have worked with has had the same argument about code review. Some people want every change reviewed before it is merged; others say reviews slow everything down and catch little. After ten years of watching both sides, I think they are arguing about the wrong thing."),
    ("p", "The question is not whether to review, but what a review is for. If it is for catching bugs, it does that badly: studies of large projects find that most review comments are about style and structure, not defects. If it is for sharing knowledge, it does that very well."),
    ("h2", "Reviews as conversation"),
    ("p", "The best reviews I have had were conversations. Someone asked why I had chosen one approach over another, I explained, and either they learned something or I did. Nobody was checking a box."),
    ("p", "That kind of review needs small changes. Nobody can have a conversation about two thousand lines. Keep changes under a few hundred lines, and say in the description what you want the reviewer to look at."),
    ("h2", "What to stop doing"),
    ("ul", ["Stop commenting on formatting: let a tool do it.", "Stop approving what you did not read.", "Stop treating a review as a gate that the author must get through."]),
    ("p", "None of this is new. But teams keep rediscovering it, usually after a year of resentful, slow reviews that nobody enjoyed and that caught very little."),
]

WIKI = [
    ("p", "The common swift (Apus apus) is a medium-sized bird, superficially similar to the barn swallow or house martin but unrelated to those species. Swifts spend most of their lives in the air, landing only to nest, and some individuals stay airborne for ten months without touching the ground."),
    ("h2", "Description"),
    ("p", "The common swift is 16 to 17 centimetres long with a wingspan of 38 to 40 centimetres, and is entirely blackish-brown except for a small white or pale grey patch on the chin. It has a short forked tail and very long swept-back wings that resemble a crescent or a boomerang."),
    ("h2", "Behaviour"),
    ("p", "Swifts feed on flying insects and spiders carried by the wind, which they catch in flight. They drink by skimming the surface of lakes and rivers. At dusk, groups of swifts climb high into the sky and are thought to sleep on the wing."),
    ("h3", "Breeding"),
    ("p", "Common swifts nest in holes in buildings, cliffs and trees. A pair returns to the same nest year after year, and the two or three eggs are incubated by both parents for about twenty days."),
    ("h2", "Migration"),
    ("p", "Birds from Europe spend the winter in Africa south of the Sahara. Tracking with light-level geolocators has shown that a swift can cover more than 500 kilometres in a day on its way south."),
]

DOCS = [
    ("p", "The configuration file is read once, when the server starts. Every setting has a default, so an empty file is valid; the settings below are the ones most deployments change."),
    ("h2", "Listening address"),
    ("p", "By default the server listens on all interfaces on port 8080. To listen only on the loopback interface, set the address explicitly:"),
    ("code", "[server]\naddress = \"127.0.0.1\"\nport = 8080"),
    ("p", "A port below 1024 needs extra privileges on most systems. Prefer a high port behind a reverse proxy."),
    ("h2", "Timeouts"),
    ("table", "Timeout settings", [["Setting", "Default", "Meaning"], ["read_timeout", "30s", "How long to wait for a request body"], ["write_timeout", "30s", "How long to wait while sending a response"], ["idle_timeout", "120s", "How long to keep an idle connection open"]]),
    ("p", "Durations accept the suffixes ms, s, m and h. A value of zero disables the timeout, which is rarely a good idea on a public server."),
    ("h2", "Reloading"),
    ("p", "Send the process a hangup signal to reload the file without dropping connections:"),
    ("code", "kill -HUP $(pidof exampled)"),
    ("p", "Settings that cannot change at run time, such as the listening address, are ignored on reload and a warning is logged."),
]

SUBSTACK = [
    ("p", "Last week I promised a follow-up on why local newspapers keep closing even in towns where people say they want one. Many of you wrote in, and your letters changed what I was going to say."),
    ("p", "The usual story is that the internet took the classified ads, and with them the money. That is true, but it is not the whole story. Several of you who worked at small papers pointed out that the papers were sold long before they failed, often to owners who cut the newsroom first."),
    ("h2", "What readers told me"),
    ("p", "A former editor in Ohio wrote that her paper was profitable on the day it was bought. Within three years the staff had gone from twenty-two to four, and within five the paper was a website that republished press releases."),
    ("p", "Others described something more hopeful: nonprofit newsrooms, cooperatives owned by readers, and small newsletters like this one, run by one or two reporters who cover a single town council."),
    ("h2", "What I think now"),
    ("p", "I used to think the problem was money. Now I think it is ownership. A paper owned by people who live in the town behaves differently from one owned by a fund that has never been there."),
    ("p", "Next week: the numbers behind reader-owned papers, and whether they can last."),
]

QA = [
    ("p", "I have a list of dictionaries and want to sort it by the value of one key, for example by age. What is the most idiomatic way to do this in Python 3?"),
    ("code", "people = [{'name': 'Ana', 'age': 31}, {'name': 'Bo', 'age': 25}]"),
    ("p", "I tried sorted(people) but it raises a TypeError because dictionaries cannot be compared."),
]
QA_ANSWER = [
    ("p", "Use the key argument of sorted, which takes a function that returns the value to sort by:"),
    ("code", "sorted(people, key=lambda p: p['age'])"),
    ("p", "For a little more speed, and to read better, operator.itemgetter does the same thing:"),
    ("code", "from operator import itemgetter\nsorted(people, key=itemgetter('age'))"),
    ("p", "Add reverse=True to sort from oldest to youngest. Both versions are stable, so people of the same age keep their order."),
]

RECIPE_INTRO = [
    ("p", "This lentil soup is what I cook when the week has been long and the fridge is almost empty. It needs one pot, forty minutes and things most kitchens already have, and it tastes better the next day."),
    ("p", "Red lentils fall apart as they cook, which makes the soup thick without any cream. A squeeze of lemon at the end keeps it bright; do not skip it."),
]
RECIPE_CARD = [
    ("h2", "Red lentil soup"),
    ("p", "Serves four. Preparation 10 minutes, cooking 30 minutes."),
    ("h3", "Ingredients"),
    ("ul", ["2 tablespoons olive oil", "1 onion, chopped", "2 carrots, diced", "2 cloves garlic", "1 teaspoon ground cumin", "250 g red lentils, rinsed", "1.2 litres vegetable stock", "Juice of half a lemon"]),
    ("h3", "Method"),
    ("ol", ["Soften the onion and carrots in the oil for eight minutes.", "Add the garlic and cumin and stir for one minute.", "Add the lentils and stock, bring to the boil, then simmer for twenty minutes.", "Blend half of the soup, stir it back in, and add the lemon juice and salt to taste."]),
]

FR = [
    ("p", "Depuis le début de l'année, les prix de l'électricité ont baissé de près de quinze pour cent pour les ménages, selon les chiffres publiés mardi par la Commission de régulation de l'énergie. Une bonne nouvelle qui cache pourtant de fortes différences entre les régions."),
    ("p", "« La baisse profite d'abord aux foyers qui se chauffent à l'électricité », explique Claire Dubois, économiste à l'université de Lyon. « Les autres la verront à peine sur leur facture. »"),
    ("h2", "Un hiver plus doux que prévu"),
    ("p", "La douceur de l'hiver a réduit la demande, et les réacteurs nucléaires remis en service ont augmenté l'offre. Les prix sur le marché de gros sont ainsi revenus à leur niveau d'avant la crise."),
    ("p", "Les associations de consommateurs restent prudentes. Elles rappellent que les taxes doivent augmenter en février, ce qui pourrait effacer une partie de la baisse."),
]

DE = [
    ("p", "Die Bahn will bis zum Jahr 2030 mehr als vierzig Milliarden Euro in ihr Schienennetz investieren. Das kündigte der Vorstand am Mittwoch in Berlin an. Vor allem die stark belasteten Strecken zwischen den großen Städten sollen grundlegend erneuert werden."),
    ("p", "„Wir können nicht weiter nur flicken“, sagte die Infrastrukturvorständin bei der Vorstellung der Pläne. Die Sanierung werde für Fahrgäste zunächst unbequem, weil einzelne Strecken monatelang gesperrt würden."),
    ("h2", "Kritik von Fahrgastverbänden"),
    ("p", "Fahrgastverbände begrüßen die Investitionen grundsätzlich, kritisieren aber die langen Sperrungen. Pendler müssten über Monate auf Busse umsteigen, die oft deutlich länger brauchen."),
    ("p", "Auch die Finanzierung ist noch nicht gesichert. Ein großer Teil des Geldes soll aus dem Bundeshaushalt kommen, über den im Herbst entschieden wird."),
]

JA = [
    ("p", "気象庁によりますと、今年の夏の平均気温は統計を取り始めてから最も高くなりました。特に七月は全国の多くの地点で記録的な暑さとなり、熱中症で搬送される人が相次ぎました。"),
    ("p", "専門家は、海面水温の上昇と偏西風の蛇行が重なったことが原因だと分析しています。"),
    ("h2", "秋も高温が続く見通し"),
    ("p", "気象庁は、九月以降も平年より気温が高い状態が続くと予想しています。農作物への影響も心配されていて、各地の農家は対策に追われています。"),
]

ZH = [
    ("p", "国家统计局周二公布的数据显示，今年前三个季度全国居民人均可支配收入同比增长百分之六点三，增速比上半年略有加快。"),
    ("p", "分析人士认为，就业形势稳定和服务消费回暖是收入增长的主要原因。农村居民收入增速继续高于城镇居民。"),
    ("h2", "消费仍需提振"),
    ("p", "不过，专家也指出，居民消费意愿仍然偏弱，储蓄率保持在较高水平。下一阶段需要进一步完善社会保障，增强居民消费信心。"),
]

AR = [
    ("p", "أعلنت وزارة الصحة يوم الأحد عن إطلاق حملة وطنية للتطعيم تستهدف أكثر من مليوني طفل في جميع المحافظات، وذلك بالتعاون مع منظمة الصحة العالمية."),
    ("p", "وقال المتحدث باسم الوزارة إن الحملة ستستمر أسبوعين، وإن فرقا متنقلة ستصل إلى القرى البعيدة التي يصعب على سكانها الوصول إلى المراكز الصحية."),
    ("h2", "إقبال كبير في اليوم الأول"),
    ("p", "وشهد اليوم الأول إقبالا كبيرا من الأهالي، حيث امتلأت المراكز الصحية في العاصمة منذ الساعات الأولى من الصباح."),
]

REPORT = [
    ("p", "Renewable sources produced 41 percent of the country's electricity last year, up from 35 percent the year before, according to the grid operator's annual report. Wind remained the largest source, but solar grew fastest."),
    ("table", "Table 1. Electricity generation by source, in terawatt-hours", [["Source", "2022", "2023", "Change"], ["Wind", "118", "131", "+11%"], ["Solar", "58", "73", "+26%"], ["Hydro", "19", "18", "-5%"], ["Gas", "79", "61", "-23%"], ["Coal", "64", "52", "-19%"]]),
    ("p", "Gas and coal both fell sharply as prices stayed high through the winter. The report notes that demand also fell by about three percent, partly because of a mild winter."),
    ("figure", "chart-share.png", "Figure 2. Share of renewables in electricity generation, 2010 to 2023."),
    ("h2", "Grid bottlenecks"),
    ("p", "The operator warns that transmission lines are not keeping up. On windy days in the north, turbines were switched off more than 400 times because the power could not be carried south to where it is used."),
    ("figure", "map-lines.png", "Figure 3. Planned transmission lines, with completion dates."),
    ("p", "Three new high-voltage lines are planned, but the first will not be finished before 2027."),
]

LAZY = [
    ("p", "The old harbour district has changed more in five years than in the fifty before. Warehouses that stood empty since the ships left are now flats, studios and a market hall, and the quays are full of people on summer evenings."),
    ("figure", "harbour.jpg", "The market hall in a former grain warehouse."),
    ("p", "Not everyone is pleased. Rents in the streets behind the harbour have nearly doubled, and some of the families who lived there for generations have moved to the edge of the city."),
    ("figure", "quay.jpg", "The north quay on a Saturday evening."),
    ("p", "The city says it will require a third of new flats to be affordable. Residents' groups say that promise came too late for the first wave of buildings."),
]

AMP = [
    ("p", "Electric scooters will be banned from pavements across the city from next month, the council decided on Thursday after a year of complaints from pedestrians and disability groups."),
    ("p", "Riders will have to use cycle lanes or the road, and rental companies must fit their scooters with sensors that slow them down in pedestrian zones."),
    ("h2", "Rental firms object"),
    ("p", "The three companies that operate in the city said the rules would make scooters less useful and pointed out that most accidents involve private scooters, not rented ones."),
    ("p", "The council said it would review the rules after six months."),
]

JSONLD = [
    "Archaeologists have found the remains of a Roman road beneath a car park in the town centre, during work to lay new drains.",
    "The road, about six metres wide, was built of packed gravel on a bed of large stones and probably linked two forts about twenty miles apart.",
    "Coins found on its surface date it to the second century. The county archaeologist said the find would change the map of Roman roads in the region.",
    "The car park will reopen next month, and the road will be preserved under a protective layer for future study.",
]

OLD = [
    ("p", "The 1998 flood was the worst the valley had seen in a century. The river rose four metres in a single night, and by morning the lower town was under water up to the first floors."),
    ("p", "This page collects the accounts of people who lived through it, as they told them to the history society in the years after."),
    ("p", "Margaret H., who ran the bakery on Bridge Street, remembered waking at three in the morning to the sound of water in the shop below. She and her husband carried what they could upstairs, and watched the rest float away."),
    ("p", "The society would like to hear from anyone with photographs from that week. Please write to the secretary at the address on the home page."),
]

ACADEMIC_ABSTRACT = "We study how readers annotate long documents on screens. In a diary study with 48 participants over six weeks, we find that highlights cluster at the beginnings of sections, that notes are rare but long, and that most annotations are never revisited. We discuss what this means for the design of annotation tools."
ACADEMIC = [
    ("h2", "Abstract"),
    ("p", ACADEMIC_ABSTRACT),
    ("h2", "1. Introduction"),
    ("p", "Annotation is one of the oldest reading practices, yet tools for annotating on screens have changed little since the first electronic books. Earlier studies looked at paper, or at short sessions in a laboratory; we followed readers over several weeks of their own reading."),
    ("h2", "2. Method"),
    ("p", "Participants installed an annotation tool that logged every highlight and note, and kept a short diary of why they annotated. We interviewed each participant at the end of the study."),
    ("h2", "3. Findings"),
    ("p", "Highlights were not spread evenly: forty percent fell in the first fifth of a section. Notes were written on only six percent of highlights, but their median length was 34 words."),
    ("h2", "References"),
    ("ol", ["Marshall, C. C. (1997). Annotation: from paper books to the digital library. Proceedings of Digital Libraries.", "Adler, M. J. and Van Doren, C. (1972). How to Read a Book. Simon and Schuster."]),
]

PERSONAL = [
    ("p", "I finally finished the bookshelf I started in March. It took four times longer than I planned, mostly because I had to learn to cut a straight dado by hand."),
    ("p", "The wood is reclaimed oak from an old school floor. It was full of nails, and I broke two chisels on ones I had missed, but the colour is worth it."),
    ("p", "Next time I will make a jig first. Cutting ten identical shelves by eye was a mistake I will not repeat."),
]
PERSONAL2 = [
    ("p", "Some people asked about the finish. It is three coats of hard wax oil, rubbed in with a cloth and buffed after a day. It looks like nothing was done to the wood, which is what I wanted."),
]

GUIDE = [
    ("p", "Moving a houseplant to a bigger pot is easy, but doing it at the wrong time or in the wrong way can set it back for months. Here is how to do it well."),
    ("h2", "When to repot"),
    ("p", "Repot in spring, when the plant starts to grow again. Roots circling the bottom of the pot, or water running straight through, are signs that it is time."),
    ("h2", "How to do it"),
    ("ol", ["Water the plant the day before.", "Choose a pot only two or three centimetres wider than the old one.", "Loosen the outer roots gently with your fingers.", "Fill around the root ball with fresh compost and water well."]),
    ("p", "Keep the plant out of direct sun for a week while the roots settle."),
]

# ---------------------------------------------------------------- pages

def wrap_lang(page, lang, rtl=False):
    page = page.replace('<html lang="en">', '<html lang="%s"%s>' % (lang, ' dir="rtl"' if rtl else ""), 1)
    return page


def news_cookie():
    title = "Why the world's great deltas are sinking"
    body, exp = render(DELTAS)
    page = head(title + " | The Daily Example", '<meta property="og:site_name" content="The Daily Example">\n<meta property="og:title" content="%s">\n<meta name="author" content="Ana Lima">\n<meta property="article:published_time" content="2024-03-02T08:00:00Z">' % title) + """<body class="article-template">
%s
<a class="skip-link" href="#main">Skip to content</a>
<header class="masthead"><a class="logo" href="/">The Daily Example</a>%s
<form class="search" action="/search"><input type="search" name="q"><button>Search</button></form></header>
<main id="main">
<div class="breadcrumbs"><a href="/">Home</a> › <a href="/science">Science</a></div>
<article class="article">
<header class="article-header"><span class="kicker">Climate</span><h1>%s</h1>
<p class="byline">By <a rel="author" href="/authors/ana-lima">Ana Lima</a>, Science correspondent · <time datetime="2024-03-02">2 March 2024</time></p></header>
%s
<div class="article-body">
%s
</div>
<div class="article-tags"><span>Topics:</span> <a href="/t/climate">Climate</a> <a href="/t/rivers">Rivers</a> <a href="/t/asia">Asia</a></div>
</article>
%s
%s
%s
</main>
<aside class="sidebar"><h2>Most read</h2><ol><li><a href="/m/1">Ten things to do this weekend</a></li><li><a href="/m/2">The election in numbers</a></li></ol></aside>
%s
%s
</body></html>
""" % (COOKIE, NAV, title, SHARE, body.replace("<h2>Can it be slowed?</h2>", AD + "\n<h2>Can it be slowed?</h2>"), SHARE, RELATED, COMMENTS, NEWSLETTER, FOOTER)
    write("news-cookie", page, [title, "By Ana Lima, Science correspondent · 2 March 2024"] + exp,
          {"title": title, "authors": "Ana Lima", "date": "2024-03-02T08:00:00Z", "site": "The Daily Example"})


def wordpress():
    title = "Slow dough: the one change that made my bread better"
    body, exp = render(BLOG_BREAD)
    page = head(title + " – Crumb & Crust", '<meta name="generator" content="WordPress 6.4.2">\n<meta property="og:site_name" content="Crumb &amp; Crust">\n<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Crumb & Crust"},{"@type":"BlogPosting","headline":"%s","datePublished":"2023-11-12T09:30:00+00:00","author":{"@type":"Person","name":"Tom Becker"}}]}</script>' % title) + """<body class="post-template-default single single-post postid-412 single-format-standard">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title"><a href="/">Crumb &amp; Crust</a></p><p class="site-description">Baking at home, slowly</p></div>
<nav id="site-navigation" class="main-navigation"><button class="menu-toggle">Menu</button><div class="menu-primary-container"><ul id="primary-menu" class="menu"><li><a href="/">Home</a></li><li><a href="/recipes">Recipes</a></li><li><a href="/about">About</a></li></ul></div></nav></header>
<div id="content" class="site-content">
<div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-412" class="post-412 post type-post status-publish format-standard hentry category-bread">
<header class="entry-header"><h1 class="entry-title">%s</h1>
<div class="entry-meta"><span class="posted-on">Posted on <a href="/2023/11/12/slow-dough/" rel="bookmark"><time class="entry-date published" datetime="2023-11-12T09:30:00+00:00">November 12, 2023</time></a></span><span class="byline"> by <span class="author vcard"><a class="url fn n" href="/author/tom/">Tom Becker</a></span></span></div></header>
<div class="entry-content">
%s
<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social"><h3 class="sd-title">Share this:</h3><div class="sd-content"><ul><li><a href="?share=twitter">Twitter</a></li><li><a href="?share=facebook">Facebook</a></li></ul></div></div></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em></h3><p><a href="/a">Rye starter in five days</a></p><p><a href="/b">Focaccia without kneading</a></p></div>
</div>
<footer class="entry-footer"><span class="cat-links">Posted in <a href="/category/bread/">Bread</a></span><span class="tags-links">Tagged <a href="/tag/yeast/">yeast</a>, <a href="/tag/fermentation/">fermentation</a></span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post navigation</h2><div class="nav-links"><div class="nav-previous"><a href="/prev">Previous post: Rye starter in five days</a></div><div class="nav-next"><a href="/next">Next post: Focaccia without kneading</a></div></div></nav>
<div id="comments" class="comments-area"><h2 class="comments-title">4 thoughts on “Slow dough”</h2><ol class="comment-list"><li class="comment"><article class="comment-body"><footer class="comment-meta"><b class="fn">Jana</b> says:</footer><div class="comment-content"><p>I tried this last weekend and the crust was the best I have ever made, although it spread a bit in the pot.</p></div></article></li>
<li class="comment"><article class="comment-body"><footer class="comment-meta"><b class="fn">Paul</b> says:</footer><div class="comment-content"><p>How long can it stay in the fridge before the dough becomes too sour to enjoy, in your experience?</p></div></article></li></ol>
<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3><form id="commentform" class="comment-form"><p class="comment-notes">Your email address will not be published.</p><textarea id="comment"></textarea><input type="submit" value="Post Comment"></form></div></div>
</main></div>
<aside id="secondary" class="widget-area"><section id="search-2" class="widget widget_search"><form role="search"><input type="search"></form></section><section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul><li><a href="/c">Baguettes at home</a></li><li><a href="/d">A better sandwich loaf</a></li></ul></section></aside>
</div>
<footer id="colophon" class="site-footer"><div class="site-info"><a href="https://wordpress.org/">Proudly powered by WordPress</a></div></footer>
</div></body></html>
""" % (title, body)
    write("wordpress-blog", page, [title, "Posted on November 12, 2023 by Tom Becker"] + exp,
          {"title": title, "authors": "Tom Becker", "date": "2023-11-12T09:30:00+00:00", "site": "Crumb & Crust"})


def medium():
    title = "Code review is a conversation, not a gate"
    body, exp = render(MEDIUM, p_class="pw-post-body-paragraph kp kq fd kr b ks kt ku kv")
    page = head(title + " | by Priya Raman | Medium", '<meta property="og:site_name" content="Medium">\n<meta property="og:title" content="%s">\n<meta name="author" content="Priya Raman">\n<meta property="article:published_time" content="2024-01-20T14:02:11.000Z">' % title) + """<body><div id="root"><div class="a b c"><div class="l ae"><div class="nav-bar bh"><a href="/">Medium</a><a href="/new-story">Write</a><a href="/m/signin">Sign in</a></div>
<div class="l ap"><article><div class="l"><div class="l"><section><div class="fm fn fo fp fq"><div class="ab ca"><div class="ch bg ew ex ey ez">
<div><h1 class="pw-post-title gu gv fd">%s</h1></div>
<div class="pw-author"><div class="speechify-ignore ab cp"><a href="/@priya">Priya Raman</a><span>·</span><button>Follow</button></div><div class="ab"><span>7 min read</span><span>·</span><span>Jan 20, 2024</span></div></div>
<div class="speechify-ignore ab"><button aria-label="clap">412</button><button aria-label="responses">18</button><button aria-label="Listen">Listen</button><button aria-label="Share">Share</button></div>
%s
</div></div></div></section></div></div></article>
<div class="ab ca"><div class="recommended-stories"><h2>More from Priya Raman</h2><div><a href="/x"><h2>Naming things is the hard part</h2><p>Why the second hardest problem deserves more of your time than you give it.</p></a></div><div><a href="/y"><h2>Tests that explain</h2><p>A test suite is documentation that cannot lie, if you let it speak.</p></a></div></div></div>
<div class="responses"><h2>Responses (18)</h2><div><p>Completely agree with this. Our team cut review time in half by keeping changes small and the comments got better too.</p></div></div>
</div></div></div></div></body></html>
""" % (title, body)
    write("medium-like", page, [title, "Priya Raman · 7 min read · Jan 20, 2024"] + exp,
          {"title": title, "authors": "Priya Raman", "date": "2024-01-20T14:02:11.000Z", "site": "Medium"})


def wikipedia():
    title = "Common swift"
    body, exp = render(WIKI)
    body = body.replace("<h2>", '<h2><span class="mw-headline">').replace("</h2>", '</span><span class="mw-editsection"><span class="mw-editsection-bracket">[</span><a href="?action=edit">edit</a><span class="mw-editsection-bracket">]</span></span></h2>')
    first, rest = body.split("\n", 1)
    infobox = """<table class="infobox biota"><tbody><tr><th colspan="2">Common swift</th></tr><tr><td colspan="2"><img src="Apus_apus.jpg" alt="" width="220" height="160"></td></tr>
<tr><th colspan="2">Conservation status</th></tr><tr><td colspan="2">Least Concern</td></tr><tr><th colspan="2">Scientific classification</th></tr>
<tr><td>Kingdom:</td><td>Animalia</td></tr><tr><td>Class:</td><td>Aves</td></tr><tr><td>Order:</td><td>Apodiformes</td></tr><tr><td>Family:</td><td>Apodidae</td></tr></tbody></table>"""
    toc = """<div id="toc" class="toc" role="navigation"><div class="toctitle"><h2 id="mw-toc-heading">Contents</h2></div><ul><li class="toclevel-1"><a href="#Description"><span class="tocnumber">1</span> <span class="toctext">Description</span></a></li><li class="toclevel-1"><a href="#Behaviour"><span class="tocnumber">2</span> <span class="toctext">Behaviour</span></a></li><li class="toclevel-1"><a href="#Migration"><span class="tocnumber">3</span> <span class="toctext">Migration</span></a></li></ul></div>"""
    refs = """<h2><span class="mw-headline" id="References">References</span></h2><div class="reflist"><ol class="references"><li id="cite_note-1"><span class="mw-cite-backlink"><a href="#cite_ref-1">^</a></span> <span class="reference-text">Hedenström, A. (2016). "Annual 10-month aerial life phase in the common swift". Current Biology 26: 3066–3070.</span></li></ol></div>
<div role="navigation" class="navbox"><table class="nowraplinks"><tr><th>Swifts</th><td><a href="/a">Alpine swift</a> · <a href="/b">Pallid swift</a> · <a href="/c">Chimney swift</a></td></tr></table></div>"""
    page = head(title + " - Wikipedia") + """<body class="mediawiki skin-vector"><div id="mw-page-base"></div>
<div id="content" class="mw-body" role="main"><h1 id="firstHeading" class="firstHeading">%s</h1>
<div id="bodyContent" class="vector-body"><div id="siteSub">From Wikipedia, the free encyclopedia</div>
<div id="mw-content-text" class="mw-body-content"><div class="mw-parser-output">
<div role="note" class="hatnote">For other uses, see <a href="/wiki/Swift_(disambiguation)">Swift (disambiguation)</a>.</div>
%s
%s
%s
%s
%s
</div></div>
<div id="catlinks" class="catlinks"><div id="mw-normal-catlinks">Categories: <ul><li><a href="/c1">IUCN Red List least concern species</a></li><li><a href="/c2">Birds of Europe</a></li></ul></div></div>
</div></div>
<div id="mw-navigation"><div id="mw-panel"><div class="portal"><h3>Navigation</h3><ul><li><a href="/">Main page</a></li><li><a href="/r">Random article</a></li></ul></div></div></div>
<div id="footer" role="contentinfo"><ul><li>This page was last edited on 3 May 2024.</li><li>Text is available under the Creative Commons Attribution-ShareAlike License.</li></ul></div>
</body></html>
""" % (title, infobox, first, toc, rest, refs)
    infobox_exp = ["Common swift", "[Image]", "Conservation status", "Least Concern", "Scientific classification", "Kingdom: Animalia", "Class: Aves", "Order: Apodiformes", "Family: Apodidae"]
    exp = [title] + infobox_exp + exp[:1] + [e + " edit" if False else e for e in exp[1:]]
    exp += ["References", "Hedenström, A. (2016). \"Annual 10-month aerial life phase in the common swift\". Current Biology 26: 3066–3070."]
    write("wikipedia-like", page, exp, {"title": title, "authors": "", "date": "", "site": "Wikipedia"})


def docs():
    title = "Configuration"
    body, exp = render(DOCS)
    page = head(title + " — exampled 2.4 documentation") + """<body><div class="wy-grid-for-nav">
<nav data-toggle="wy-nav-shift" class="wy-nav-side"><div class="wy-side-scroll"><div class="wy-side-nav-search"><a href="/" class="icon icon-home">exampled</a><div class="version">2.4</div><div role="search"><form id="rtd-search-form"><input type="text" name="q" placeholder="Search docs"></form></div></div>
<div class="wy-menu wy-menu-vertical" role="navigation" aria-label="Navigation menu"><p class="caption"><span class="caption-text">User guide</span></p><ul class="current"><li class="toctree-l1"><a href="install.html">Installation</a></li><li class="toctree-l1 current"><a class="current" href="#">Configuration</a><ul><li class="toctree-l2"><a href="#listening-address">Listening address</a></li><li class="toctree-l2"><a href="#timeouts">Timeouts</a></li></ul></li><li class="toctree-l1"><a href="logging.html">Logging</a></li><li class="toctree-l1"><a href="faq.html">FAQ</a></li></ul></div></div></nav>
<section data-toggle="wy-nav-shift" class="wy-nav-content-wrap"><nav class="wy-nav-top"><a href="/">exampled</a></nav>
<div class="wy-nav-content"><div class="rst-content">
<div role="navigation" aria-label="Page navigation"><ul class="wy-breadcrumbs"><li><a href="/">Docs</a> »</li><li>Configuration</li><li class="wy-breadcrumbs-aside"><a href="https://github.com/x/edit/main/docs/config.rst">Edit on GitHub</a></li></ul><hr></div>
<div role="main" class="document" itemscope="itemscope" itemtype="http://schema.org/Article"><div itemprop="articleBody">
<section id="configuration"><h1>%s<a class="headerlink" href="#configuration" title="Permalink to this heading">¶</a></h1>
%s
</section></div></div>
<footer><div class="rst-footer-buttons" role="navigation" aria-label="Footer"><a href="install.html" class="btn btn-neutral float-left" rel="prev">Previous</a><a href="logging.html" class="btn btn-neutral float-right" rel="next">Next</a></div><hr>
<div role="contentinfo"><p>© Copyright 2024, the exampled authors.</p></div>Built with <a href="https://www.sphinx-doc.org/">Sphinx</a> using a theme provided by Read the Docs.</footer>
</div></div></section></div></body></html>
""" % (title, body)
    write("docs-sidebar", page, [title + "¶"] + exp, {"title": title, "authors": "", "date": "", "site": ""})


def substack():
    title = "Who owns the local paper?"
    body, exp = render(SUBSTACK)
    sub = """<div class="subscription-widget-wrap"><div class="subscription-widget show-subscribe"><div class="preamble"><p>Main Street Notes is a reader-supported publication. To receive new posts and support my work, consider becoming a free or paid subscriber.</p></div><form class="subscription-widget-subscribe"><input type="email" placeholder="Type your email…"><input type="submit" value="Subscribe"></form></div></div>"""
    parts = body.split("\n")
    body = "\n".join(parts[:4] + [sub] + parts[4:])
    page = head(title + " - by Dana Whitfield", '<meta property="og:site_name" content="Main Street Notes">\n<meta property="og:title" content="%s">\n<meta name="author" content="Dana Whitfield">\n<meta property="article:published_time" content="2024-04-08T11:00:00+00:00">' % title) + """<body><div id="entry"><div id="main" class="main typography"><div class="topbar"><a href="/">Main Street Notes</a><button class="button primary">Subscribe</button><button>Sign in</button></div>
<div class="container"><div class="single-post-container"><div class="single-post"><article class="typography newsletter-post post">
<div class="post-header"><h1 class="post-title published">%s</h1><h3 class="subtitle">Readers wrote in, and changed my mind</h3>
<div class="post-meta"><div class="profile-hover-card-target"><a href="/@dana">Dana Whitfield</a></div><div class="pencraft">Apr 08, 2024</div></div>
<div class="post-ufi"><a class="like-button" href="#">87</a><a class="post-ufi-comment-button" href="#comments">23</a><a class="share-button" href="#">Share</a></div></div>
<div class="available-content"><div dir="auto" class="body markup">
%s
</div></div>
<div class="post-footer"><div class="post-ufi"><a class="like-button">87</a><a>Share</a></div><div class="subscribe-footer"><p>Thanks for reading Main Street Notes! Subscribe for free to receive new posts.</p><form><input type="email"><button>Subscribe</button></form></div></div>
</article>
<div id="discussion" class="comments-page"><h4>Discussion about this post</h4><div class="comment"><div class="comment-body"><p>My grandfather delivered the paper in our town for forty years, and the day it closed was the day the town stopped knowing itself.</p></div></div></div>
</div></div></div>
<div class="footer-wrap publication-footer"><div class="footer">© 2024 Dana Whitfield · <a href="/privacy">Privacy</a> · <a href="/tos">Terms</a> · <a href="/cookies">Collection notice</a></div><div class="footer-substack">Substack is the home for great culture</div></div>
</div></div></body></html>
""" % (title, body)
    write("substack", page, [title, "Readers wrote in, and changed my mind", "Dana Whitfield", "Apr 08, 2024"] + exp,
          {"title": title, "authors": "Dana Whitfield", "date": "2024-04-08T11:00:00+00:00", "site": "Main Street Notes"})


def forum():
    title = "How do I sort a list of dictionaries by a value of the dictionary?"
    qbody, qexp = render(QA)
    abody, aexp = render(QA_ANSWER)
    page = head(title + " - Stack Example", '<meta property="og:site_name" content="Stack Example">') + """<body class="question-page"><header class="top-bar"><a href="/" class="logo">Stack Example</a><ol class="nav"><li><a href="/questions">Questions</a></li><li><a href="/tags">Tags</a></li><li><a href="/users">Users</a></li></ol><form id="search"><input name="q"></form><a href="/login">Log in</a></header>
<div class="container"><div id="left-sidebar" class="left-sidebar"><nav role="navigation"><ol><li><a href="/">Home</a></li><li><a href="/questions">Questions</a></li><li><a href="/tags">Tags</a></li></ol></nav></div>
<div id="content"><div id="question-header"><h1 itemprop="name" class="fs-headline1"><a href="/q/73" class="question-hyperlink">%s</a></h1><div class="ask"><a href="/ask" class="btn">Ask Question</a></div></div>
<div class="d-flex"><div>Asked <time datetime="2021-06-01T10:20:00">3 years ago</time></div><div>Viewed 2m times</div></div>
<div id="mainbar" role="main" aria-label="question and answers">
<div class="question js-question" id="question"><div class="post-layout"><div class="votecell"><div class="js-vote-count">1024</div></div>
<div class="postcell post-layout--right"><div class="s-prose js-post-body" itemprop="text">
%s
</div><div class="post-taglist"><ul class="js-post-tag-list-wrapper"><li><a href="/tags/python" class="post-tag">python</a></li><li><a href="/tags/sorting" class="post-tag">sorting</a></li></ul></div>
<div class="post-signature"><div class="user-info"><div class="user-action-time">asked Jun 1, 2021</div><div class="user-details"><a href="/u/1">marta_k</a><span class="reputation-score">1,204</span></div></div></div>
<div class="comments js-comments-container"><ul class="comments-list"><li class="comment"><div class="comment-body"><span class="comment-copy">Possible duplicate of the question about sorting by attribute.</span> – <a class="comment-user">someone</a></div></li></ul></div></div></div></div>
<div id="answers"><h2 class="mb0">2 Answers</h2><div class="answer js-answer accepted-answer" id="answer-74"><div class="post-layout"><div class="votecell"><div class="js-vote-count">2310</div></div>
<div class="answercell post-layout--right"><div class="s-prose js-post-body" itemprop="text">
%s
</div><div class="post-signature"><div class="user-info"><div class="user-action-time">answered Jun 1, 2021</div><a href="/u/2">grok_it</a></div></div></div></div></div></div>
</div>
<div id="sidebar" class="show-votes" role="complementary"><div class="s-sidebarwidget"><h4>The Overflow Blog</h4><ul><li><a href="/b/1">How to build a career in open source</a></li></ul></div><div class="module sidebar-related"><h4>Related</h4><a href="/q/1">Sort a list by multiple attributes?</a><a href="/q/2">How to sort a dictionary by value?</a></div></div>
</div></div>
<footer id="footer" class="site-footer"><nav><a href="/about">About</a><a href="/help">Help</a></nav><p>Site design / logo © 2024 Stack Example Inc; user contributions licensed under CC BY-SA.</p></footer>
</body></html>
""" % (title, qbody, abody)
    write("forum-qa", page, [title] + qexp + ["2 Answers"] + aexp,
          {"title": title, "authors": "", "date": "", "site": "Stack Example"})


def recipe():
    title = "One-pot red lentil soup"
    ibody, iexp = render(RECIPE_INTRO)
    cbody, cexp = render(RECIPE_CARD)
    page = head(title + " | Weeknight Kitchen", '<meta property="og:site_name" content="Weeknight Kitchen">\n<meta property="og:title" content="%s">\n<script type="application/ld+json">{"@context":"https://schema.org/","@type":"Recipe","name":"Red lentil soup","author":{"@type":"Person","name":"Sofia Marin"},"datePublished":"2023-02-14"}</script>' % title) + """<body class="single-post"><header class="header"><div class="logo"><a href="/">Weeknight Kitchen</a></div>%s</header>
<div class="content-sidebar-wrap"><main class="content" id="genesis-content"><article class="post-1201 post entry" itemscope itemtype="https://schema.org/CreativeWork">
<header class="entry-header"><h1 class="entry-title" itemprop="headline">%s</h1><p class="entry-meta">By <span class="entry-author" itemprop="author"><span class="entry-author-name">Sofia Marin</span></span> · <time class="entry-time">February 14, 2023</time> · <a href="#comments" class="entry-comments-link">12 Comments</a></p></header>
<div class="entry-content" itemprop="text">
<div class="wprm-recipe-snippet"><a href="#recipe" class="wprm-jump-to-recipe-shortcode">Jump to Recipe</a> <a href="#print" class="wprm-recipe-print">Print Recipe</a></div>
<p class="disclosure"><em>This post may contain affiliate links.</em></p>
%s
<div class="adthrive-ad adthrive-content" id="AdThrive_Content_1_desktop"></div>
%s
<div id="recipe" class="wprm-recipe-container"><div class="wprm-recipe wprm-recipe-template-custom">
%s
<div class="wprm-nutrition-label-container"><span class="wprm-nutrition-label-text-nutrition-container-calories">Calories: 310kcal</span></div>
<div class="wprm-call-to-action"><span class="wprm-call-to-action-header">Tried this recipe?</span><span class="wprm-call-to-action-text"><a href="https://instagram.com/x">Mention us on Instagram</a></span></div>
</div></div>
<div class="adthrive-ad adthrive-content"></div>
</div>
<footer class="entry-footer"><p class="entry-meta"><span class="entry-categories">Filed Under: <a href="/c/soups">Soups</a></span></p></footer></article>
<div class="entry-comments" id="comments"><h3>Comments</h3><ol class="comment-list"><li class="comment"><article><p class="comment-author">Lena</p><div class="comment-content"><p>Made this tonight with green lentils because that is what I had, it took longer but was still lovely.</p></div></article></li></ol></div>
</main><aside class="sidebar sidebar-primary widget-area" role="complementary"><section class="widget"><h3>Hi, I'm Sofia!</h3><p>I cook quick, cheap dinners for busy people.</p></section></aside></div>
<footer class="site-footer"><p>Copyright © 2024 Weeknight Kitchen</p></footer></body></html>
""" % (NAV, title, ibody, "[Image]" and '<p><img src="soup.jpg" alt="A bowl of red lentil soup"></p>', cbody)
    write("recipe", page, [title, "By Sofia Marin · February 14, 2023 · 12 Comments"] + iexp + ["[Image: A bowl of red lentil soup]"] + cexp + ["Calories: 310kcal"],
          {"title": title, "authors": "Sofia Marin", "date": "", "site": "Weeknight Kitchen"})


def lang_news(name, lang, blocks, title, suffix, site, author, date, byline, labels, rtl=False):
    body, exp = render(blocks)
    nav = "<nav class=\"menu\"><ul>%s</ul></nav>" % "".join('<li><a href="/%d">%s</a></li>' % (i, l) for i, l in enumerate(labels[0]))
    related = "<div class=\"related\"><h2>%s</h2><ul>%s</ul></div>" % (labels[1], "".join('<li><a href="/r%d">%s</a></li>' % (i, l) for i, l in enumerate(labels[2])))
    cookie = "<div class=\"cookie-consent\"><p>%s</p><button>OK</button></div>" % labels[3]
    foot = "<footer class=\"footer\"><p>%s</p></footer>" % labels[4]
    page = head(title + suffix, '<meta property="og:site_name" content="%s">\n<meta name="author" content="%s">\n<meta property="article:published_time" content="%s">' % (site, author, date)) + """<body>%s
<header class="site-header"><a href="/" class="logo">%s</a>%s</header>
<main><article><header><h1>%s</h1><p class="byline">%s</p></header>
<div class="article__content">
%s
</div>%s</article></main>
%s
</body></html>
""" % (cookie, site, nav, title, byline, body, related, foot)
    write(name, wrap_lang(page, lang, rtl), [title, byline] + exp, {"title": title, "authors": author, "date": date, "site": site})


def languages():
    lang_news("french", "fr", FR, "Électricité : les prix baissent, mais pas pour tout le monde", " - Le Quotidien", "Le Quotidien", "Julien Morel", "2024-02-06", "Par Julien Morel, publié le 6 février 2024 à 10 h 12",
              (["International", "Politique", "Économie", "Culture"], "Sur le même sujet", ["Le gaz reste cher cet hiver", "Nucléaire : les réacteurs redémarrent"], "Nous utilisons des cookies pour mesurer l'audience et personnaliser les contenus.", "© Le Quotidien - Tous droits réservés - Mentions légales"))
    lang_news("german", "de", DE, "Bahn will vierzig Milliarden in das Schienennetz stecken", " | Tagesblatt", "Tagesblatt", "Katrin Vogel", "2024-05-15", "Von Katrin Vogel, 15. Mai 2024, 14:30 Uhr",
              (["Politik", "Wirtschaft", "Panorama", "Sport"], "Mehr zum Thema", ["Streik bei der Bahn beendet", "Neue Schnellstrecke eröffnet"], "Wir verwenden Cookies, um Ihnen ein besseres Nutzungserlebnis zu bieten.", "© Tagesblatt GmbH · Impressum · Datenschutz"))
    lang_news("japanese", "ja", JA, "今年の夏 観測史上最も暑く", " | 日本ニュース", "日本ニュース", "山田花子", "2024-09-02", "2024年9月2日 18時05分",
              (["国内", "国際", "経済", "スポーツ"], "関連ニュース", ["熱中症 搬送者が過去最多に", "米の収穫 高温の影響は"], "このサイトではクッキーを使用しています。", "著作権は日本ニュースに帰属します。"))
    lang_news("chinese", "zh", ZH, "前三季度居民收入增长百分之六点三", " - 新闻网", "新闻网", "李明", "2024-10-22", "2024年10月22日 来源：新闻网 记者 李明",
              (["首页", "国内", "国际", "财经"], "相关新闻", ["国内消费市场持续回暖", "就业形势总体稳定"], "本网站使用Cookie以改善您的浏览体验。", "版权所有 新闻网 未经授权禁止转载"))
    lang_news("arabic", "ar", AR, "حملة وطنية لتطعيم مليوني طفل", " | الأخبار اليوم", "الأخبار اليوم", "سارة حسن", "2024-03-10", "سارة حسن - 10 مارس 2024",
              (["الرئيسية", "سياسة", "اقتصاد", "رياضة"], "أخبار ذات صلة", ["افتتاح مستشفى جديد في الجنوب", "ارتفاع أعداد الطلاب في المدارس"], "يستخدم هذا الموقع ملفات تعريف الارتباط.", "جميع الحقوق محفوظة"), rtl=True)


def divs_only():
    title = "Why the world's great deltas are sinking"
    body, exp = render(DELTAS)
    body = body.replace("<p>", '<div class="para">').replace("</p>", "</div>")
    page = head("Deltas sinking - Example Times") + """<body><div id="wrapper"><div id="top"><div class="logo"><a href="/">Example Times</a></div><div class="links"><a href="/">Front page</a> | <a href="/world">World</a> | <a href="/sci">Science</a> | <a href="/archive">Archive</a></div></div>
<div id="cols"><div id="leftcol"><div class="box"><b>Sections</b><br><a href="/a">Politics</a><br><a href="/b">Markets</a><br><a href="/c">Weather</a></div></div>
<div id="centercol"><div class="storyheadline">%s</div><div class="storydate">Published 2 March 2024 by Ana Lima</div>
<div class="storytext">
%s
</div>
<div class="storytools"><a href="/print">Print</a> | <a href="/email">Email this story</a></div>
<div class="box"><b>Other stories</b><br><a href="/x">Council approves new bridge after long debate</a><br><a href="/y">School results out next week for all districts</a><br><a href="/z">Storm expected on Friday across the coast</a></div></div>
<div id="rightcol"><div class="box"><b>Weather</b><br>Sunny, 14°C</div></div></div>
<div id="bottom">Copyright 2024 Example Times. <a href="/contact">Contact</a></div></div></body></html>
""" % (title, body)
    write("divs-only", page, [title, "Published 2 March 2024 by Ana Lima"] + exp, {"title": "Deltas sinking", "authors": "", "date": "", "site": "Example Times"})


def split_by_ads():
    title = "Code review is a conversation, not a gate"
    body, exp = render(MEDIUM)
    parts = body.split("\n")
    promo = '<div class="inline-promo"><span>Read more:</span> <a href="/p/1">The ten commandments of pull requests</a></div>'
    out = []
    for i, part in enumerate(parts):
        out.append(part)
        if i % 3 == 2:
            out.append(AD if i % 2 else promo)
    page = head(title + " — DevWeekly", '<meta property="og:site_name" content="DevWeekly">\n<meta name="author" content="Priya Raman">') + """<body>%s<div class="page"><header class="header">%s</header>
<div class="layout"><div class="col-main"><h1 class="headline">%s</h1><div class="meta"><span class="author-name">Priya Raman</span></div>
<div class="article-body">
%s
</div>%s</div><div class="col-side">%s</div></div>%s</div></body></html>
""" % (COOKIE, NAV, title, "\n".join(out), RELATED, NEWSLETTER, FOOTER)
    write("split-by-ads", page, [title, "Priya Raman"] + exp, {"title": title, "authors": "Priya Raman", "date": "", "site": "DevWeekly"})


def tables_figures():
    title = "Renewables supplied 41 percent of electricity last year"
    body, exp = render(REPORT)
    page = head(title + " | Energy Monitor", '<meta property="og:site_name" content="Energy Monitor">') + """<body>%s<header>%s</header><main><article class="report"><h1>%s</h1><p class="standfirst">The grid operator's annual report shows wind and solar growing, and the grid struggling to keep up.</p>
%s
</article><aside class="toolbox"><h2>Download</h2><a href="/r.pdf">Full report (PDF)</a></aside></main>%s</body></html>
""" % (COOKIE, NAV, title, body, FOOTER)
    write("tables-figures", page, [title, "The grid operator's annual report shows wind and solar growing, and the grid struggling to keep up."] + exp,
          {"title": title, "authors": "", "date": "", "site": "Energy Monitor"})


def lazy_images():
    title = "The harbour district, five years on"
    body, exp = render(LAZY, fig="div")
    body = re.sub(r'<img src="([^"]+)" alt="">', r'<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="\1" class="lazyload" alt=""><noscript><img src="\1" alt=""></noscript>', body)
    page = head(title + " | City Magazine") + """<body><div class="site"><div class="nav-wrapper">%s</div><div class="main-content"><div class="post-wrapper"><div class="post-title-area"><h1>%s</h1><div class="post-info">By Jonas Weber | Photos by Ida Holm</div></div>
<div class="post-content">
%s
</div><div class="share-buttons"><a href="/fb">Share</a><a href="/tw">Tweet</a></div></div></div>%s</div></body></html>
""" % (NAV, title, body, FOOTER)
    write("lazy-images", page, [title, "By Jonas Weber | Photos by Ida Holm"] + exp, {"title": title, "authors": "", "date": "", "site": ""})


def amp():
    title = "Scooters banned from pavements from next month"
    body, exp = render(AMP)
    page = """<!doctype html>
<html ⚡ lang="en"><head><meta charset="utf-8"><title>%s - City Herald</title><link rel="canonical" href="https://herald.example.com/news/scooters">
<script async src="https://cdn.ampproject.org/v0.js"></script><style amp-boilerplate>body{visibility:hidden}</style>
<script type="application/ld+json">{"@context":"http://schema.org","@type":"NewsArticle","headline":"%s","author":[{"@type":"Person","name":"Owen Price"}],"datePublished":"2024-06-13T17:20:00Z","publisher":{"@type":"Organization","name":"City Herald"}}</script></head>
<body><amp-analytics type="gtag"><script type="application/json">{"vars":{}}</script></amp-analytics>
<header class="amp-header"><a href="/">City Herald</a><amp-sidebar id="sidebar" layout="nodisplay"><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></amp-sidebar></header>
<amp-consent id="consent" layout="nodisplay"><div class="consent-ui"><p>We use cookies and data to deliver and maintain our services.</p><button on="tap:consent.accept">Accept</button></div></amp-consent>
<article class="amp-article"><h1 class="amp-title">%s</h1><div class="amp-byline">Owen Price, Transport reporter</div>
<amp-img src="scooters.jpg" width="800" height="450" layout="responsive" alt="Rental scooters parked on a pavement"></amp-img>
<amp-social-share type="twitter"></amp-social-share><amp-social-share type="facebook"></amp-social-share>
<div class="amp-body">
%s
<amp-ad width="300" height="250" type="doubleclick" data-slot="/1/amp"><div fallback>Advertisement</div></amp-ad>
</div></article>
<div class="amp-related"><h3>Most popular</h3><a href="/a">Bus fares to rise in April</a><a href="/b">New cycle lane opens on the ring road</a></div>
<footer class="amp-footer">© City Herald 2024</footer></body></html>
""" % (title, title, title, body)
    write("amp-like", page, [title, "Owen Price, Transport reporter", "[Image: Rental scooters parked on a pavement]"] + exp, {"title": title, "authors": "Owen Price", "date": "2024-06-13T17:20:00Z", "site": "City Herald"})


def jsonld_only():
    title = "Roman road found under town car park"
    body = "\\n".join(JSONLD)
    page = head(title + " | County Gazette", '<meta property="og:title" content="%s">\n<meta property="og:site_name" content="County Gazette">\n<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"%s","articleBody":"%s","author":{"@type":"Person","name":"Helen Shaw"},"datePublished":"2024-07-30T06:00:00+01:00","publisher":{"@type":"Organization","name":"County Gazette"}}</script>' % (title, title, body)) + """<body><div id="__next"><div class="app-shell"><header><a href="/">County Gazette</a><nav><a href="/news">News</a> <a href="/sport">Sport</a></nav></header><div class="loading"><p>Loading…</p></div><noscript>Please enable JavaScript to read this article.</noscript></div></div>
<script src="/_next/static/chunks/main.js"></script></body></html>
"""
    write("jsonld-only", page, [title] + JSONLD, {"title": title, "authors": "Helen Shaw", "date": "2024-07-30T06:00:00+01:00", "site": "County Gazette"})


def old_tables():
    title = "The flood of 1998: memories from the valley"
    paras = "<br><br>\n".join(inline(b[1]) for b in OLD)
    page = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>Valley History Society - The flood of 1998</title></head>
<body bgcolor="#ffffff"><table width="760" border="0" cellpadding="0" cellspacing="0"><tr><td colspan="2"><img src="banner.gif" width="760" height="90" alt="Valley History Society"></td></tr>
<tr><td width="160" valign="top" bgcolor="#eeeecc"><font size="2"><a href="index.html">Home</a><br><a href="events.html">Events</a><br><a href="members.html">Membership</a><br><a href="links.html">Links</a><br><a href="contact.html">Contact us</a></font></td>
<td width="600" valign="top"><font face="Verdana" size="2"><b><font size="4">%s</font></b><br><br>
%s
<br><br><hr><font size="1">Page last updated 12/03/2004. <a href="index.html">Back to home page</a></font></font></td></tr></table>
<center><font size="1">Visitors since 1999: <img src="counter.gif" alt="12345"></font></center></body></html>
""" % (title, paras)
    write("old-table-layout", page, [title] + [plain(b[1]) for b in OLD], {"title": "The flood of 1998", "authors": "", "date": "", "site": ""})


def academic():
    title = "How readers annotate long documents on screens"
    body, exp = render(ACADEMIC)
    page = head(title + " | Journal of Reading Research", '<meta name="citation_title" content="%s">\n<meta name="citation_author" content="Nguyen, Linh">\n<meta name="citation_author" content="Okafor, Amara">\n<meta name="citation_publication_date" content="2023/09/01">\n<meta name="citation_journal_title" content="Journal of Reading Research">\n<meta name="dc.identifier" content="doi:10.5555/jrr.2023.118">' % title) + """<body><div class="header"><a href="/">Journal of Reading Research</a><ul class="menu"><li><a href="/issues">Issues</a></li><li><a href="/submit">Submit</a></li></ul></div>
<div class="article-page"><div class="article-tools"><a href="/pdf">Download PDF</a><a href="/cite">Cite</a><a href="/alerts">Get alerts</a></div>
<div id="article-content"><h1 class="article-title">%s</h1><div class="authors"><span class="author">Linh Nguyen</span>, <span class="author">Amara Okafor</span></div><div class="pub-info">Volume 12, Issue 3, 1 September 2023</div>
%s
</div><div class="metrics"><span>Downloads: 1,204</span> <span>Citations: 17</span></div></div>
<div class="footer-journal">ISSN 1234-5678 · <a href="/about">About the journal</a></div></body></html>
""" % (title, body)
    write("academic-article", page, [title, "Linh Nguyen, Amara Okafor", "Volume 12, Issue 3, 1 September 2023"] + exp,
          {"title": title, "authors": "Linh Nguyen; Amara Okafor", "date": "2023/09/01", "site": "Journal of Reading Research"})


def personal():
    title = "The oak bookshelf is done"
    body, exp = render(PERSONAL)
    body2, exp2 = render(PERSONAL2)
    page = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>The oak bookshelf is done</title></head>
<body><h3><a href="/">Sam's workshop notes</a></h3><p><a href="/">home</a> · <a href="/archive">archive</a> · <a href="/about">about</a> · <a href="/feed.xml">rss</a></p><hr>
<h1>%s</h1><p><small>18 August 2024</small></p>
%s
<p><img src="shelf.jpg" alt="The finished bookshelf against a white wall"></p>
%s
<hr><p><small>Written by Sam. Comments? Mail me at sam@example.net.</small></p><p><a href="/2024/07/">← Previous: sharpening, again</a></p></body></html>
""" % (title, body, body2)
    write("personal-blog", page, [title, "18 August 2024"] + exp + ["[Image: The finished bookshelf against a white wall]"] + exp2,
          {"title": title, "authors": "", "date": "", "site": ""})


def guide():
    title = "How to repot a houseplant"
    body, exp = render(GUIDE)
    page = head(title + " | Green Living", '<meta property="og:site_name" content="Green Living">\n<meta property="og:title" content="%s">' % title) + """<body>%s<div class="site-wrapper"><div class="header-wrap">%s</div>
<div class="grid"><div class="grid__col grid__col--8"><div class="article-header-block"><div class="breadcrumb"><a href="/">Home</a> / <a href="/plants">Plants</a></div><h1 class="title">%s</h1><div class="author-block"><span class="author-by">By</span> <a class="author-link" href="/a/mia">Mia Jensen</a> <span class="date">Updated 4 April 2024</span></div></div>
<div class="toc-block"><p class="toc-title">In this article</p><ol><li><a href="#when">When to repot</a></li><li><a href="#how">How to do it</a></li></ol></div>
<div class="text-block">
%s
</div><div class="author-bio"><p>Mia Jensen has written about indoor gardening for ten years and looks after more than eighty plants in a small flat.</p></div>
<div class="promo-block"><h3>Shop our favourite pots</h3><a href="/shop/1">Terracotta pot, 14 cm</a><a href="/shop/2">Self-watering pot</a></div></div>
<div class="grid__col grid__col--4">%s</div></div>%s</div></body></html>
""" % (COOKIE, NAV, title, body, NEWSLETTER, FOOTER)
    write("howto-guide", page, [title, "By Mia Jensen Updated 4 April 2024"] + exp, {"title": title, "authors": "Mia Jensen", "date": "", "site": "Green Living"})


def logo_h1():
    """An older theme: the site's name is the <h1> of every page, the
    post's title an <h2>; "Read more" links between the paragraphs."""
    title = "Slow dough: the one change that made my bread better"
    body, exp = render(BLOG_BREAD)
    parts = body.split("\n")
    readmore = '<p><strong><a href="/rye">Read more: Rye starter in five days</a></strong></p>'
    body = "\n".join(parts[:3] + [readmore] + parts[3:])
    page = head(title + " | Crumb and Crust") + """<body><div id="wrap"><div id="header"><h1 class="logo"><a href="/">Crumb and Crust</a></h1><p class="tagline">Baking at home, slowly</p>
<ul class="topmenu"><li><a href="/">Home</a></li><li><a href="/recipes">Recipes</a></li><li><a href="/about">About</a></li></ul></div>
<div id="container"><div class="post"><h2 class="title">%s</h2><div class="date">12 November 2023</div>
<div class="entry">
%s
</div>
<div class="postmetadata">Filed under <a href="/c/bread">Bread</a> | <a href="#comments">4 comments</a></div></div>
<div class="navigation"><a href="/prev">« Rye starter in five days</a> <a href="/next">Focaccia without kneading »</a></div></div>
<div id="sidebar"><h3>Archives</h3><ul><li><a href="/2023/11">November 2023</a></li><li><a href="/2023/10">October 2023</a></li></ul><h3>Blogroll</h3><ul><li><a href="https://a.example">The Fresh Loaf</a></li></ul></div>
<div id="footer"><p>Crumb and Crust is proudly powered by an old theme. Entries (RSS) and Comments (RSS).</p></div></div></body></html>
""" % (title, body)
    write("logo-h1", page, [title, "12 November 2023"] + exp, {"title": title, "authors": "", "date": "", "site": "Crumb and Crust"})


if __name__ == "__main__":
    logo_h1()
    news_cookie()
    wordpress()
    medium()
    wikipedia()
    docs()
    substack()
    forum()
    recipe()
    languages()
    divs_only()
    split_by_ads()
    tables_figures()
    lazy_images()
    amp()
    jsonld_only()
    old_tables()
    academic()
    personal()
    guide()
