{# Names and labels every object of one app shares. #}
{% macro labels(app) -%}
app.kubernetes.io/name: {{ app.name }}
app.kubernetes.io/instance: {{ release.name }}
app.kubernetes.io/part-of: {{ chart.name }}
app.kubernetes.io/version: {{ app.version | default(chart.appVersion, true) | quote }}
{%- endmacro %}

{% macro selector(app) -%}
app.kubernetes.io/name: {{ app.name }}
app.kubernetes.io/instance: {{ release.name }}
{%- endmacro %}

{% macro fullname(app) -%}
{{ (release.name ~ "-" ~ app.name) | trunc(63) | trim_suffix("-") }}
{%- endmacro %}
