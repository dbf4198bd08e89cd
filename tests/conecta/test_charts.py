"""The server-side bar chart: bars scaled to the largest value, labels wrapped to fit a phone."""

from conecta.templatetags.charts import BAR_HEIGHT, LABEL_LINE_CHARS, bar_chart


def test_bars_are_scaled_to_the_largest_value_or_to_the_given_maximum():
    chart = bar_chart([("A", 10), ("B", 5), ("C", None)], title="t")
    assert [item["width"] for item in chart["items"]] == [100.0, 50.0, 0.0]

    fixed = bar_chart([("A", 25)], title="t", maximum=100)
    assert fixed["items"][0]["width"] == 25.0


def test_a_long_label_goes_on_several_lines_and_pushes_its_bar_and_the_next_label_down():
    long_label = "Asamblea comunitaria en la parroquia con traducción al kichwa y al español"
    chart = bar_chart([(long_label, 3), ("Radio", 1)], title="t")
    first, second = chart["items"]

    assert len(first["lines"]) > 1
    assert all(len(line) <= LABEL_LINE_CHARS for line, _y in first["lines"])
    assert " ".join(line for line, _y in first["lines"]) == long_label
    last_line_y = first["lines"][-1][1]
    assert first["bar_y"] > last_line_y
    assert second["lines"][0][1] > first["bar_y"] + BAR_HEIGHT
    assert chart["height"] > second["bar_y"] + BAR_HEIGHT - 1


def test_the_rendered_svg_has_one_tspan_per_line_and_the_value_on_the_last(client, db):
    from django.template import Context, Template

    html = Template("{% load charts %}{% bar_chart rows title='Canales' %}").render(
        Context({"rows": [("una etiqueta muy larga que no cabe en una sola línea del teléfono", 7)]})
    )
    assert html.count("<tspan") == 2
    assert "teléfono — 7</tspan>" in html
