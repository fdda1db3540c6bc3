{# Names and labels shared by every object of the chart. #}
{% macro name() -%}
{{ (values.nameOverride or chart.name) | trunc(63) | trim_suffix("-") }}
{%- endmacro %}

{# The release name, plus the chart name unless the release name already holds it. #}
{% macro fullname() -%}
{%- if values.fullnameOverride -%}
{{ values.fullnameOverride | trunc(63) | trim_suffix("-") }}
{%- else -%}
{%- set base = values.nameOverride or chart.name -%}
{%- if base in release.name -%}
{{ release.name | trunc(63) | trim_suffix("-") }}
{%- else -%}
{{ (release.name ~ "-" ~ base) | trunc(63) | trim_suffix("-") }}
{%- endif -%}
{%- endif -%}
{%- endmacro %}

{% macro chart_label() -%}
{{ (chart.name ~ "-" ~ chart.version) | replace("+", "_") | trunc(63) | trim_suffix("-") }}
{%- endmacro %}

{% macro selector_labels() -%}
app.kubernetes.io/name: {{ name() }}
app.kubernetes.io/instance: {{ release.name }}
{%- endmacro %}

{% macro labels() -%}
helm.sh/chart: {{ chart_label() }}
{{ selector_labels() }}
app.kubernetes.io/version: {{ chart.appVersion | quote }}
app.kubernetes.io/managed-by: {{ release.service }}
tier: {{ values.tier | default(none) }}
{%- endmacro %}

{# What Go's printf "%s" writes for a value: text as is, anything else as
   %!s(type=value). The reference chart hashes that into checksum/image. #}
{% macro go_s(value) -%}
{%- if value is none -%}%!s(<nil>)
{%- elif value is string -%}{{ value }}
{%- elif value is boolean -%}%!s(bool={{ value | string }})
{%- elif value is integer -%}%!s(int64={{ value }})
{%- elif value is float -%}%!s(float64={{ value | string }})
{%- else -%}{{ value }}
{%- endif -%}
{%- endmacro %}
