{{/* Chart name and fullname, truncated to the 63 characters Kubernetes allows in names and labels. */}}
{{- define "cxr.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cxr.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "cxr.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Common labels. Call with the root context. */}}
{{- define "cxr.labels" -}}
helm.sh/chart: {{ include "cxr.chart" . }}
app.kubernetes.io/name: {{ include "cxr.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cxr-platform
{{- with .Values.global.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels of one component: (dict "root" $ "component" "ingest" ["lane" "stat"]) */}}
{{- define "cxr.componentLabels" -}}
{{ include "cxr.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- with .lane }}
cxr.platform/lane: {{ . }}
{{- end }}
{{- end -}}

{{- define "cxr.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cxr.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- with .lane }}
cxr.platform/lane: {{ . }}
{{- end }}
{{- end -}}

{{/* Image reference: (dict "root" $ "image" .Values.ingest.image) */}}
{{- define "cxr.image" -}}
{{- $root := .root -}}
{{- $img := .image -}}
{{- $registry := $img.registry | default $root.Values.image.registry | default $root.Values.global.imageRegistry -}}
{{- $repository := $img.repository | default (printf "%s/%s" $root.Values.image.group $img.name) -}}
{{- $ref := $repository -}}
{{- if $registry }}{{ $ref = printf "%s/%s" $registry $repository }}{{ end -}}
{{- if $img.digest -}}
{{- printf "%s@%s" $ref $img.digest -}}
{{- else -}}
{{- printf "%s:%s" $ref ($img.tag | default $root.Values.image.tag | default $root.Chart.AppVersion | toString) -}}
{{- end -}}
{{- end -}}

{{- define "cxr.imagePullPolicy" -}}
{{- .image.pullPolicy | default .root.Values.image.pullPolicy -}}
{{- end -}}

{{- define "cxr.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ if kindIs "map" . }}{{ .name }}{{ else }}{{ . }}{{ end }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "cxr.serviceAccountName" -}}
{{- printf "%s-%s" (include "cxr.fullname" .root) .component -}}
{{- end -}}

{{/* ------------------------------------------------------------------------------------------ */}}
{{/* Kafka connection                                                                           */}}
{{/* ------------------------------------------------------------------------------------------ */}}
{{- define "cxr.kafka.bootstrapServers" -}}
{{- if .Values.kafka.enabled -}}
{{- $name := ternary .Release.Name (printf "%s-kafka" .Release.Name) (contains "kafka" .Release.Name) -}}
{{- printf "%s.%s.svc.cluster.local:9092" ($name | trunc 63 | trimSuffix "-") .Release.Namespace -}}
{{- else -}}
{{- required "externalKafka.bootstrapServers is required when kafka.enabled=false" .Values.externalKafka.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{- define "cxr.kafka.saslEnabled" -}}
{{- if and (not .Values.kafka.enabled) (hasPrefix "SASL_" .Values.externalKafka.securityProtocol) }}true{{ end -}}
{{- end -}}

{{- define "cxr.kafka.secretName" -}}
{{- .Values.externalKafka.sasl.existingSecret | default (printf "%s-kafka-client" (include "cxr.fullname" .)) -}}
{{- end -}}

{{/* Environment every Kafka client of the chart gets (services read kafka.* through Quarkus env mapping). */}}
{{- define "cxr.kafka.env" -}}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ include "cxr.kafka.bootstrapServers" . | quote }}
{{- if not .Values.kafka.enabled }}
- name: KAFKA_SECURITY_PROTOCOL
  value: {{ .Values.externalKafka.securityProtocol | quote }}
{{- if include "cxr.kafka.saslEnabled" . }}
- name: KAFKA_SASL_MECHANISM
  value: {{ .Values.externalKafka.sasl.mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ include "cxr.kafka.secretName" . }}
      key: {{ .Values.externalKafka.sasl.usernameKey }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "cxr.kafka.secretName" . }}
      key: {{ .Values.externalKafka.sasl.passwordKey }}
- name: KAFKA_SASL_JAAS_CONFIG
  value: {{ printf "%s required username=\"${KAFKA_SASL_USERNAME}\" password=\"${KAFKA_SASL_PASSWORD}\";" (ternary "org.apache.kafka.common.security.plain.PlainLoginModule" "org.apache.kafka.common.security.scram.ScramLoginModule" (eq .Values.externalKafka.sasl.mechanism "PLAIN")) | quote }}
{{- end }}
{{- if include "cxr.kafka.caEnabled" . }}
- name: KAFKA_SSL_TRUSTSTORE_TYPE
  value: "PEM"
- name: KAFKA_SSL_TRUSTSTORE_LOCATION
  value: {{ printf "/etc/cxr/kafka-ca/%s" .Values.externalKafka.tls.caKey | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The brokers' CA (externalKafka.tls.caSecret) for every Kafka client pod: volume and mount, or nothing. */}}
{{- define "cxr.kafka.caEnabled" -}}
{{- if and (not .Values.kafka.enabled) .Values.externalKafka.tls.caSecret }}true{{ end -}}
{{- end -}}

{{/* KEDA's Kafka trigger needs a TriggerAuthentication (inference.yaml) for SASL credentials or the brokers' CA. */}}
{{- define "cxr.kafka.kedaAuthEnabled" -}}
{{- if or (include "cxr.kafka.saslEnabled" .) (include "cxr.kafka.caEnabled" .) }}true{{ end -}}
{{- end -}}

{{- define "cxr.kafka.caVolume" -}}
{{- if include "cxr.kafka.caEnabled" . }}
- name: kafka-ca
  secret:
    secretName: {{ .Values.externalKafka.tls.caSecret }}
    items:
      - key: {{ .Values.externalKafka.tls.caKey }}
        path: {{ .Values.externalKafka.tls.caKey }}
{{- end }}
{{- end -}}

{{- define "cxr.kafka.caVolumeMount" -}}
{{- if include "cxr.kafka.caEnabled" . }}
- name: kafka-ca
  mountPath: /etc/cxr/kafka-ca
  readOnly: true
{{- end }}
{{- end -}}

{{/* ------------------------------------------------------------------------------------------ */}}
{{/* PostgreSQL connection                                                                      */}}
{{/* ------------------------------------------------------------------------------------------ */}}
{{- define "cxr.db.host" -}}
{{- if .Values.postgresql.enabled -}}
{{- $name := ternary .Release.Name (printf "%s-postgresql" .Release.Name) (contains "postgresql" .Release.Name) -}}
{{- printf "%s.%s.svc.cluster.local" ($name | trunc 63 | trimSuffix "-") .Release.Namespace -}}
{{- else -}}
{{- required "externalDatabase.host is required when postgresql.enabled=false" .Values.externalDatabase.host -}}
{{- end -}}
{{- end -}}

{{- define "cxr.db.port" -}}
{{- if .Values.postgresql.enabled }}5432{{ else }}{{ .Values.externalDatabase.port }}{{ end -}}
{{- end -}}

{{- define "cxr.db.database" -}}
{{- if .Values.postgresql.enabled }}{{ .Values.postgresql.auth.database }}{{ else }}{{ .Values.externalDatabase.database }}{{ end -}}
{{- end -}}

{{- define "cxr.db.username" -}}
{{- if .Values.postgresql.enabled }}{{ .Values.postgresql.auth.username }}{{ else }}{{ .Values.externalDatabase.username }}{{ end -}}
{{- end -}}

{{- define "cxr.db.secretName" -}}
{{- if .Values.postgresql.enabled -}}
{{- if .Values.postgresql.auth.existingSecret -}}
{{- .Values.postgresql.auth.existingSecret -}}
{{- else -}}
{{- $name := ternary .Release.Name (printf "%s-postgresql" .Release.Name) (contains "postgresql" .Release.Name) -}}
{{- $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- else -}}
{{- .Values.externalDatabase.existingSecret | default (printf "%s-database" (include "cxr.fullname" .)) -}}
{{- end -}}
{{- end -}}

{{- define "cxr.db.passwordKey" -}}
{{- if .Values.postgresql.enabled }}password{{ else }}{{ .Values.externalDatabase.passwordKey }}{{ end -}}
{{- end -}}

{{- define "cxr.db.jdbcUrl" -}}
{{- $url := printf "jdbc:postgresql://%s:%v/%s" (include "cxr.db.host" .) (include "cxr.db.port" .) (include "cxr.db.database" .) -}}
{{- if and (not .Values.postgresql.enabled) .Values.externalDatabase.jdbcParams -}}
{{- $url = printf "%s?%s" $url .Values.externalDatabase.jdbcParams -}}
{{- end -}}
{{- $url -}}
{{- end -}}

{{/* ------------------------------------------------------------------------------------------ */}}
{{/* Pod building blocks                                                                        */}}
{{/* ------------------------------------------------------------------------------------------ */}}

{{/* HTTP probes on the Quarkus health endpoints: (dict "root" $ "startup" <override map or nil>) */}}
{{- define "cxr.probes" -}}
{{- $p := .root.Values.probes -}}
{{- $startup := mergeOverwrite (deepCopy $p.startup) (.startup | default dict) -}}
startupProbe:
  httpGet:
    path: {{ $startup.path }}
    port: http
  periodSeconds: {{ $startup.periodSeconds }}
  timeoutSeconds: {{ $startup.timeoutSeconds }}
  failureThreshold: {{ $startup.failureThreshold }}
livenessProbe:
  httpGet:
    path: {{ $p.liveness.path }}
    port: http
  initialDelaySeconds: {{ $p.liveness.initialDelaySeconds }}
  periodSeconds: {{ $p.liveness.periodSeconds }}
  timeoutSeconds: {{ $p.liveness.timeoutSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
readinessProbe:
  httpGet:
    path: {{ $p.readiness.path }}
    port: http
  initialDelaySeconds: {{ $p.readiness.initialDelaySeconds }}
  periodSeconds: {{ $p.readiness.periodSeconds }}
  timeoutSeconds: {{ $p.readiness.timeoutSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
{{- end -}}

{{- define "cxr.podSecurityContext" -}}
securityContext:
{{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{- define "cxr.containerSecurityContext" -}}
securityContext:
{{- toYaml .Values.containerSecurityContext | nindent 2 }}
{{- end -}}

{{/* Scheduling fields of a pod spec from a component's values map. */}}
{{- define "cxr.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
{{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
{{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
{{- toYaml . | nindent 2 }}
{{- end }}
{{- with .topologySpreadConstraints }}
topologySpreadConstraints:
{{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Common JVM/Quarkus environment: (dict "root" $ "javaToolOptions" "...") */}}
{{- define "cxr.commonEnv" -}}
- name: QUARKUS_HTTP_PORT
  value: "8080"
- name: JAVA_TOOL_OPTIONS
  value: {{ .javaToolOptions | default "-XX:MaxRAMPercentage=75" | printf "%s -Djava.io.tmpdir=/tmp" | quote }}
{{- end -}}

{{/*
Bearer-token verification (auth.jwt), shared by report-service and ingest-service so that the identity
provider is configured once. An inline PEM key is one ConfigMap (templates/auth.yaml) mounted at the same
path in both.
*/}}
{{- define "cxr.jwt.pemDir" -}}/etc/cxr/jwt{{- end -}}

{{/* MP_JWT_VERIFY_* and the roles claim: ConfigMap entries (root context). */}}
{{- define "cxr.jwt.config" -}}
{{- $jwt := .Values.auth.jwt -}}
{{- with $jwt.issuer }}
MP_JWT_VERIFY_ISSUER: {{ . | quote }}
{{- end }}
{{- if $jwt.publicKeyPem }}
MP_JWT_VERIFY_PUBLICKEY_LOCATION: {{ printf "file:%s/publicKey.pem" (include "cxr.jwt.pemDir" .) | quote }}
{{- else if $jwt.publicKeyLocation }}
MP_JWT_VERIFY_PUBLICKEY_LOCATION: {{ $jwt.publicKeyLocation | quote }}
{{- end }}
{{- with $jwt.audience }}
MP_JWT_VERIFY_AUDIENCES: {{ . | quote }}
{{- end }}
SMALLRYE_JWT_PATH_GROUPS: {{ $jwt.rolesClaim | quote }}
{{- end -}}

{{/* Mount of the inline PEM key; include only when auth.jwt.publicKeyPem is set. */}}
{{- define "cxr.jwt.volumeMount" -}}
- name: jwt
  mountPath: {{ include "cxr.jwt.pemDir" . }}
  readOnly: true
{{- end -}}

{{- define "cxr.jwt.volume" -}}
- name: jwt
  configMap:
    name: {{ include "cxr.fullname" . }}-jwt
{{- end -}}

{{/* "true" when the verification key is fetched over the network (the issuer needs an egress rule). */}}
{{- define "cxr.jwt.fetchesKey" -}}
{{- $jwt := .Values.auth.jwt -}}
{{- if and $jwt.publicKeyLocation (not $jwt.publicKeyPem) (not (hasPrefix "file:" $jwt.publicKeyLocation)) -}}true{{- end -}}
{{- end -}}

{{/* ConfigMap entries of the audit collector (report-service and ingest-service; audit/README.md). */}}
{{- define "cxr.audit.env" -}}
{{- $a := .Values.audit -}}
{{- if $a.syslog.host }}
CXR_AUDIT_SYSLOG_HOST: {{ $a.syslog.host | quote }}
CXR_AUDIT_SYSLOG_PORT: {{ $a.syslog.port | quote }}
CXR_AUDIT_SYSLOG_PROTOCOL: {{ $a.syslog.protocol | quote }}
{{- with $a.syslog.trustCerts }}
CXR_AUDIT_SYSLOG_TRUST_CERTS: {{ . | quote }}
{{- end }}
{{- end }}
{{- with $a.siteId }}
CXR_AUDIT_SITE_ID: {{ . | quote }}
{{- end }}
{{- end }}
