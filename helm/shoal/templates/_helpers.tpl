{{/*
Names, labels and pod-spec fragments shared by the ingest and worker templates.
*/}}

{{- define "shoal.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified name, truncated to the 63 characters a DNS label allows. */}}
{{- define "shoal.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "shoal.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Name of one role's objects: <fullname>-ingest, <fullname>-worker. Call with (dict "root" $ "role" "ingest"). */}}
{{- define "shoal.componentName" -}}
{{- printf "%s-%s" (include "shoal.fullname" .root | trunc 56 | trimSuffix "-") .role }}
{{- end }}

{{/* Standard labels; the component label tells the roles apart. */}}
{{- define "shoal.labels" -}}
helm.sh/chart: {{ include "shoal.chart" .root }}
{{ include "shoal.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: shoal
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels: stable across upgrades, so never add the version here. */}}
{{- define "shoal.selectorLabels" -}}
app.kubernetes.io/name: {{ include "shoal.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- if .role }}
app.kubernetes.io/component: {{ .role }}
{{- end }}
{{- end }}

{{- define "shoal.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "shoal.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* image: repository:tag, the tag falling back to imageTag, then to appVersion. */}}
{{- define "shoal.image" -}}
{{- $tag := .image.tag | default .root.Values.imageTag | default .root.Chart.AppVersion }}
{{- printf "%s:%s" .image.repository $tag }}
{{- end }}

{{/* Pod annotations; the config checksum rolls the pods when the ConfigMap changes. */}}
{{- define "shoal.podAnnotations" -}}
checksum/config: {{ include (print .root.Template.BasePath "/configmap.yaml") .root | sha256sum }}
{{- if .root.Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: "9000"
prometheus.io/path: /q/metrics
{{- end }}
{{- with .podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Environment shared by both roles: the ConfigMap plus credentials from existing Secrets. */}}
{{- define "shoal.secretEnv" -}}
- name: QUARKUS_DATASOURCE_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .Values.postgres.existingSecret }}
      key: {{ .Values.postgres.usernameKey }}
- name: QUARKUS_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.postgres.existingSecret }}
      key: {{ .Values.postgres.passwordKey }}
{{- with .Values.redis.existingSecret }}
- name: QUARKUS_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.redis.passwordKey }}
{{- end }}
{{- if .Values.auth.enabled }}
- name: SHOAL_AUTH_API_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ .Values.auth.existingSecret }}
      key: {{ .Values.auth.apiKeysKey }}
{{- else }}
- name: SHOAL_AUTH_ENABLED
  value: "false"
{{- end }}
{{- if .Values.auth.jwt.enabled }}
- name: SHOAL_AUTH_JWT_ENABLED
  value: "true"
- name: MP_JWT_VERIFY_PUBLICKEY_LOCATION
  value: file:/etc/shoal/jwt/{{ .Values.auth.jwt.publicKeyKey }}
{{- with .Values.auth.jwt.issuer }}
- name: MP_JWT_VERIFY_ISSUER
  value: {{ . | quote }}
{{- end }}
- name: SMALLRYE_JWT_PATH_GROUPS
  value: {{ .Values.auth.jwt.rolesClaim | quote }}
{{- end }}
{{- with .Values.privacy.existingSecret }}
- name: SHOAL_PRIVACY_HMAC_KEY
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.privacy.hmacKeyKey }}
{{- end }}
{{- with .Values.tracking.existingSecret }}
- name: SHOAL_TRACKING_WRITE_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.tracking.writeKeysKey }}
{{- end }}
{{- with .Values.kafka.existingSecret }}
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.kafka.jaasConfigKey }}
{{- end }}
{{- end }}

{{/* The JWT verification key, mounted from its Secret when JWTs are on (volume and mount). */}}
{{- define "shoal.jwtVolume" -}}
{{- if .Values.auth.jwt.enabled }}
- name: jwt
  secret:
    secretName: {{ .Values.auth.jwt.existingSecret }}
{{- end }}
{{- end }}
{{- define "shoal.jwtMount" -}}
{{- if .Values.auth.jwt.enabled }}
- name: jwt
  mountPath: /etc/shoal/jwt
  readOnly: true
{{- end }}
{{- end }}

{{/* Probes on the Quarkus health endpoints (the management port); startup gates the other two. */}}
{{- define "shoal.probes" -}}
startupProbe:
  httpGet:
    path: /q/health/started
    port: management
  periodSeconds: {{ .startup.periodSeconds }}
  failureThreshold: {{ .startup.failureThreshold }}
  timeoutSeconds: 2
livenessProbe:
  httpGet:
    path: /q/health/live
    port: management
  periodSeconds: 10
  failureThreshold: 3
  timeoutSeconds: 2
readinessProbe:
  httpGet:
    path: /q/health/ready
    port: management
  periodSeconds: 5
  failureThreshold: 3
  timeoutSeconds: 2
{{- end }}

{{/* The label matcher that picks this release's series in alert expressions (metrics.selector, else the namespace). */}}
{{- define "shoal.metricSelector" -}}
{{- .Values.metrics.selector | default (printf "namespace=%q" .Release.Namespace) }}
{{- end }}
