{{/* vim: set filetype=mustache: */}}

{{/*
Chart name, truncated to 63 characters (the DNS label limit of Kubernetes names).
*/}}
{{- define "tesorio-mcp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Full name: "<release>-<chart>", or the release name alone when it already contains the chart name.
*/}}
{{- define "tesorio-mcp.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
"<fullname>-<suffix>", keeping the whole under 63 characters.
Usage: include "tesorio-mcp.suffixedName" (list . "admin")
*/}}
{{- define "tesorio-mcp.suffixedName" -}}
{{- $ctx := index . 0 -}}
{{- $suffix := index . 1 -}}
{{- printf "%s-%s" (include "tesorio-mcp.fullname" $ctx | trunc (int (sub 62 (len $suffix))) | trimSuffix "-") $suffix -}}
{{- end -}}

{{- define "tesorio-mcp.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Labels on every object.
*/}}
{{- define "tesorio-mcp.labels" -}}
helm.sh/chart: {{ include "tesorio-mcp.chart" . }}
{{ include "tesorio-mcp.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tesorio-mcp
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Labels that identify the release's pods. Each workload adds app.kubernetes.io/component (server,
migrations, test) so the Services and the NetworkPolicy select the server pods only.
*/}}
{{- define "tesorio-mcp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tesorio-mcp.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "tesorio-mcp.serverSelectorLabels" -}}
{{ include "tesorio-mcp.selectorLabels" . }}
app.kubernetes.io/component: server
{{- end -}}

{{- define "tesorio-mcp.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{- define "tesorio-mcp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "tesorio-mcp.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
PUBLIC_URL: config.publicUrl, else https://<first ingress host>, else empty (validateValues fails).
*/}}
{{- define "tesorio-mcp.publicUrl" -}}
{{- if .Values.config.publicUrl -}}
{{- .Values.config.publicUrl -}}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts -}}
{{- printf "https://%s" (first .Values.ingress.hosts).host -}}
{{- end -}}
{{- end -}}

{{/* "true" when an external PostgreSQL is configured (inline URL or existing Secret), else "". */}}
{{- define "tesorio-mcp.externalDatabase" -}}
{{- if or .Values.database.existingSecret.name .Values.database.url -}}true{{- end -}}
{{- end -}}

{{/* "true" when Redis is configured (inline URL or existing Secret), else "". */}}
{{- define "tesorio-mcp.redis" -}}
{{- if or .Values.redis.existingSecret.name .Values.redis.url -}}true{{- end -}}
{{- end -}}

{{/* "true" when more than one pod can run at once (replicas or autoscaling), else "". */}}
{{- define "tesorio-mcp.multiplePods" -}}
{{- if or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1) -}}true{{- end -}}
{{- end -}}

{{/* The chart's own Secret, holding the URLs given inline in values. */}}
{{- define "tesorio-mcp.secretName" -}}
{{- include "tesorio-mcp.fullname" . -}}
{{- end -}}

{{/* "true" when the chart must create its Secret (some URL is given inline), else "". */}}
{{- define "tesorio-mcp.createSecret" -}}
{{- if or (and .Values.database.url (not .Values.database.existingSecret.name)) (and .Values.redis.url (not .Values.redis.existingSecret.name)) -}}true{{- end -}}
{{- end -}}

{{/* "true" when the migration hook Job runs (external PostgreSQL and the job enabled), else "". */}}
{{- define "tesorio-mcp.migrationJob" -}}
{{- if and .Values.migrations.job.enabled (include "tesorio-mcp.externalDatabase" .) -}}true{{- end -}}
{{- end -}}

{{/*
env entries for DATABASE_URL and REDIS_URL, read from an existing Secret or the chart's Secret.
Argument: a dict with "ctx" (the root context) and "secretName" (the Secret holding inline URLs).
*/}}
{{- define "tesorio-mcp.secretEnv" -}}
{{- $ctx := .ctx -}}
{{- with $ctx.Values.database }}
{{- if .existingSecret.name }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret.name }}
      key: {{ .existingSecret.key }}
{{- else if .url }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $.secretName }}
      key: DATABASE_URL
{{- end }}
{{- end }}
{{- with $ctx.Values.redis }}
{{- if .existingSecret.name }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret.name }}
      key: {{ .existingSecret.key }}
{{- else if .url }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $.secretName }}
      key: REDIS_URL
{{- end }}
{{- end }}
{{- end -}}

{{/*
Settings shared by the server and the migration Job (they must agree on PUBLIC_URL, which the
service validates at start-up, and on how to reach PostgreSQL).
*/}}
{{- define "tesorio-mcp.commonEnv" -}}
NODE_ENV: production
PUBLIC_URL: {{ include "tesorio-mcp.publicUrl" . | quote }}
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
DATABASE_SSL: {{ .Values.database.ssl | quote }}
DATABASE_CONNECT_TIMEOUT_MS: {{ .Values.database.connectTimeoutMs | int64 | quote }}
DATABASE_STATEMENT_TIMEOUT_MS: {{ .Values.database.statementTimeoutMs | int64 | quote }}
DATABASE_IDLE_TIMEOUT_MS: {{ .Values.database.idleTimeoutMs | int64 | quote }}
{{- end -}}

{{/*
Restricted pod and container security contexts, shared by every pod the chart runs.
*/}}
{{- define "tesorio-mcp.podSecurityContext" -}}
{{- toYaml .Values.podSecurityContext -}}
{{- end -}}

{{- define "tesorio-mcp.containerSecurityContext" -}}
{{- toYaml .Values.securityContext -}}
{{- end -}}

{{/*
Environment variables the chart sets itself; config.extraEnv must not repeat them.
*/}}
{{- define "tesorio-mcp.managedEnvNames" -}}
{{- list "NODE_ENV" "NODE_OPTIONS" "HOST" "PORT" "ADMIN_HOST" "ADMIN_PORT" "PUBLIC_URL" "TRUST_PROXY_HOPS" "LOG_LEVEL" "DATABASE_URL" "DATABASE_SSL" "DATA_DIR" "DATABASE_POOL_SIZE" "DATABASE_CONNECT_TIMEOUT_MS" "DATABASE_STATEMENT_TIMEOUT_MS" "DATABASE_IDLE_TIMEOUT_MS" "MIGRATIONS_RUN" "SEED_DEMO_DATA" "REDIS_URL" "ACCESS_TOKEN_TTL_SECONDS" "REFRESH_TOKEN_IDLE_TTL_SECONDS" "REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS" "AUTHORIZATION_CODE_TTL_SECONDS" "LOGIN_SESSION_TTL_SECONDS" "AUTHORIZATION_REQUEST_TTL_SECONDS" "OAUTH_ALLOWED_REDIRECT_SCHEMES" "OAUTH_REGISTRATIONS_PER_HOUR" "LOGIN_MAX_FAILURES_PER_ACCOUNT" "LOGIN_MAX_FAILURES_PER_IP" "LOGIN_FAILURE_WINDOW_SECONDS" "CIMD_FETCH_TIMEOUT_MS" "CIMD_MAX_BYTES" "MCP_ALLOWED_ORIGINS" "MCP_ALLOWED_HOSTS" "MCP_TOOL_CALLS_PER_MINUTE" "SHUTDOWN_GRACE_MS" "REPORT_CACHE_WARM_MINUTES" | join "," -}}
{{- end -}}

{{/*
Readable checks of combinations the schema cannot express. Every failure names the values to
change and why; all of them are reported at once (after bitnami/ghost's validateValues).
*/}}
{{- define "tesorio-mcp.validateValues" -}}
{{- $messages := list -}}
{{- $messages = append $messages (include "tesorio-mcp.validateValues.publicUrl" .) -}}
{{- $messages = append $messages (include "tesorio-mcp.validateValues.database" .) -}}
{{- $messages = append $messages (include "tesorio-mcp.validateValues.redis" .) -}}
{{- $messages = append $messages (include "tesorio-mcp.validateValues.autoscaling" .) -}}
{{- $messages = append $messages (include "tesorio-mcp.validateValues.shutdown" .) -}}
{{- $messages = append $messages (include "tesorio-mcp.validateValues.ports" .) -}}
{{- $messages = append $messages (include "tesorio-mcp.validateValues.extraEnv" .) -}}
{{- $messages = without $messages "" -}}
{{- if $messages -}}
{{- printf "\nVALUES VALIDATION:\n%s" (join "\n\n" $messages) | fail -}}
{{- end -}}
{{- end -}}

{{- define "tesorio-mcp.validateValues.publicUrl" -}}
{{- if not (include "tesorio-mcp.publicUrl" .) -}}
tesorio-mcp: config.publicUrl
    The service needs its public https URL: it is the OAuth issuer, and users connect to
    <publicUrl>/v1/mcp. Set config.publicUrl (for example --set config.publicUrl=https://mcp.example.com)
    or enable the Ingress with a host (ingress.enabled=true, ingress.hosts[0].host).
{{- end -}}
{{- end -}}

{{- define "tesorio-mcp.validateValues.database" -}}
{{- if and (include "tesorio-mcp.multiplePods" .) (not (include "tesorio-mcp.externalDatabase" .)) -}}
tesorio-mcp: database
    More than one pod (replicaCount={{ .Values.replicaCount }}, autoscaling.enabled={{ .Values.autoscaling.enabled }}) needs an external PostgreSQL.
    Without one every pod would run its own embedded database, each with different data.
    Set database.existingSecret.name (a Secret holding DATABASE_URL) or database.url,
    or run a single replica (replicaCount=1, autoscaling.enabled=false) for evaluation.
{{- end -}}
{{- end -}}

{{- define "tesorio-mcp.validateValues.redis" -}}
{{- if and (include "tesorio-mcp.multiplePods" .) (not (include "tesorio-mcp.redis" .)) -}}
tesorio-mcp: redis
    More than one pod (replicaCount={{ .Values.replicaCount }}, autoscaling.enabled={{ .Values.autoscaling.enabled }}) needs Redis.
    Rate limits and sign-in throttles are counted in Redis so they hold across replicas (without it
    each pod counts alone and an attacker gets N times the attempts), and the legacy SSE transport
    needs Redis to deliver a message posted to one replica to the stream held open by another.
    Set redis.existingSecret.name (a Secret holding REDIS_URL) or redis.url,
    or run a single replica (replicaCount=1, autoscaling.enabled=false).
{{- end -}}
{{- end -}}

{{- define "tesorio-mcp.validateValues.autoscaling" -}}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) -}}
tesorio-mcp: autoscaling
    autoscaling.minReplicas ({{ .Values.autoscaling.minReplicas }}) is above autoscaling.maxReplicas ({{ .Values.autoscaling.maxReplicas }}).
{{- end -}}
{{- end -}}

{{- define "tesorio-mcp.validateValues.shutdown" -}}
{{- $preStop := int .Values.lifecycle.preStopSleepSeconds -}}
{{- $grace := int (ceil (divf .Values.config.shutdownGraceMs 1000.0)) -}}
{{- $period := int .Values.probes.readiness.periodSeconds -}}
{{- $problems := list -}}
{{- if le (int .Values.terminationGracePeriodSeconds) (add $preStop $grace) -}}
{{- $problems = append $problems (printf "terminationGracePeriodSeconds (%d) must be greater than lifecycle.preStopSleepSeconds (%d) + config.shutdownGraceMs (%d s), or Kubernetes kills pods before their in-flight requests finish." (int .Values.terminationGracePeriodSeconds) $preStop $grace) -}}
{{- end -}}
{{- if lt $preStop $period -}}
{{- $problems = append $problems (printf "lifecycle.preStopSleepSeconds (%d) must be at least probes.readiness.periodSeconds (%d), so the endpoint is gone from every proxy before SIGTERM." $preStop $period) -}}
{{- end -}}
{{- if $problems -}}
tesorio-mcp: shutdown
{{- range $problems }}
    {{ . }}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "tesorio-mcp.validateValues.ports" -}}
{{- if eq (int .Values.containerPorts.http) (int .Values.containerPorts.admin) -}}
tesorio-mcp: containerPorts
    containerPorts.http and containerPorts.admin must differ: the admin API must never be on the public listener.
{{- end -}}
{{- end -}}

{{- define "tesorio-mcp.validateValues.extraEnv" -}}
{{- $managed := splitList "," (include "tesorio-mcp.managedEnvNames" .) -}}
{{- $clashes := list -}}
{{- range .Values.config.extraEnv -}}
{{- if has .name $managed -}}
{{- $clashes = append $clashes .name -}}
{{- end -}}
{{- end -}}
{{- if $clashes -}}
tesorio-mcp: config.extraEnv
    {{ join ", " $clashes }} {{ if eq (len $clashes) 1 }}is{{ else }}are{{ end }} set by the chart from its own values; set {{ if eq (len $clashes) 1 }}it{{ else }}them{{ end }} there instead of in config.extraEnv.
{{- end -}}
{{- end -}}
