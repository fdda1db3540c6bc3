{# Names and labels every object of the chart shares. Import them with
   {% import "_helpers.tpl" as h %} and call h.fullname(). #}

{# The chart's name, or values.nameOverride. #}
{% macro name() -%}
{{ (values.nameOverride or chart.name) | trunc(63) | trim_suffix("-") }}
{%- endmacro %}

{# Objects' names: the release name, then the chart's name unless the
   release name holds it already; values.fullnameOverride replaces both.
   63 characters at most, as Kubernetes names allow. #}
{% macro fullname() -%}
{%- if values.fullnameOverride -%}
{{ values.fullnameOverride | trunc(63) | trim_suffix("-") }}
{%- elif name() in release.name -%}
{{ release.name | trunc(63) | trim_suffix("-") }}
{%- else -%}
{{ (release.name ~ "-" ~ name()) | trunc(63) | trim_suffix("-") }}
{%- endif -%}
{%- endmacro %}

{# The chart label's value: name and version. #}
{% macro chart_label() -%}
{{ (chart.name ~ "-" ~ chart.version) | replace("+", "_") | trunc(63) | trim_suffix("-") }}
{%- endmacro %}

{# The labels a Service and a Deployment select pods by: never change
   them in an upgrade, a Deployment's selector cannot change. #}
{% macro selector_labels() -%}
app.kubernetes.io/name: {{ name() }}
app.kubernetes.io/instance: {{ release.name }}
{%- endmacro %}

{# Every object's labels. #}
{% macro labels() -%}
helm.sh/chart: {{ chart_label() }}
{{ selector_labels() }}
{% if chart.appVersion %}
app.kubernetes.io/version: {{ chart.appVersion | quote }}
{% endif %}
app.kubernetes.io/managed-by: {{ release.service }}
{%- endmacro %}

{# The ServiceAccount the pods run as. #}
{% macro service_account_name() -%}
{%- if values.serviceAccount.create -%}
{{ values.serviceAccount.name or fullname() }}
{%- else -%}
{{ values.serviceAccount.name or "default" }}
{%- endif -%}
{%- endmacro %}
