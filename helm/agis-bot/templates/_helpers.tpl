{{/* Chart name, overridable. */}}
{{- define "agis-bot.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: release-chart, or the release name alone when it already contains the chart name. */}}
{{- define "agis-bot.fullname" -}}
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

{{- define "agis-bot.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels every object carries. */}}
{{- define "agis-bot.labels" -}}
helm.sh/chart: {{ include "agis-bot.chart" . }}
{{ include "agis-bot.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: agis
{{- end -}}

{{/* The labels selectors use; a component label (api, bot) is added per workload. */}}
{{- define "agis-bot.selectorLabels" -}}
app.kubernetes.io/name: {{ include "agis-bot.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "agis-bot.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "agis-bot.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "agis-bot.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) -}}
{{- end -}}

{{/* Where GameServers live: agones.namespace, else the release namespace. */}}
{{- define "agis-bot.gameNamespace" -}}
{{- .Values.agones.namespace | default .Release.Namespace -}}
{{- end -}}

{{/* The chart's own Secret, holding only the literal secrets given in values. */}}
{{- define "agis-bot.secretName" -}}
{{- include "agis-bot.fullname" . -}}
{{- end -}}

{{/* "true" when values give any literal secret, so the chart must create its Secret. */}}
{{- define "agis-bot.hasLiteralSecrets" -}}
{{- if or .Values.database.url .Values.discord.token .Values.redis.url .Values.rewards.secrets .Values.webhooks.secretKey -}}true{{- end -}}
{{- end -}}

{{/*
One secret env var. Args: dict "root" $ "env" NAME "literal" value "existing" secretName "key" keyName "optional" bool.
A literal value wins (it is stored in the chart's Secret under NAME); else an existing Secret's key is referenced;
else nothing is emitted, or rendering fails for a required secret.
*/}}
{{- define "agis-bot.secretEnv" -}}
{{- if .literal }}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ include "agis-bot.secretName" .root }}
      key: {{ .env }}
{{- else if .existing }}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .existing }}
      key: {{ .key | default .env }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- else if not .optional }}
{{- fail (printf "%s is required: set %s or %s" .env .literalPath .existingPath) }}
{{- end }}
{{- end -}}

{{/* Container env shared by both workloads. Arg: dict "root" $ "roles" "api,scheduler". */}}
{{- define "agis-bot.env" -}}
{{- $root := .root -}}
- name: AGIS_ROLES
  value: {{ .roles | quote }}
- name: PORT
  value: {{ $root.Values.containerPort | quote }}
- name: HOST
  value: "0.0.0.0"
- name: AGONES_NAMESPACE
  value: {{ include "agis-bot.gameNamespace" $root | quote }}
{{- if $root.Values.gameCatalog }}
- name: GAME_CATALOG_FILE
  value: /etc/agis/game-catalog.json
{{- end }}
{{- range $name, $value := $root.Values.config }}
{{- if not (or (kindIs "invalid" $value) (eq (toString $value) "")) }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- include "agis-bot.secretEnv" (dict "root" $root "env" "DATABASE_URL" "literal" $root.Values.database.url "existing" $root.Values.database.existingSecret "key" $root.Values.database.existingSecretKey "optional" false "literalPath" "database.url" "existingPath" "database.existingSecret") }}
{{- include "agis-bot.secretEnv" (dict "root" $root "env" "DISCORD_TOKEN" "literal" $root.Values.discord.token "existing" $root.Values.discord.existingSecret "key" $root.Values.discord.existingSecretKey "optional" (not $root.Values.bot.enabled) "literalPath" "discord.token" "existingPath" "discord.existingSecret") }}
{{- include "agis-bot.secretEnv" (dict "root" $root "env" "REDIS_URL" "literal" $root.Values.redis.url "existing" $root.Values.redis.existingSecret "key" $root.Values.redis.existingSecretKey "optional" true) }}
{{- include "agis-bot.secretEnv" (dict "root" $root "env" "WEBHOOK_SECRET_KEY" "literal" $root.Values.webhooks.secretKey "existing" $root.Values.webhooks.existingSecret "key" $root.Values.webhooks.existingSecretKey "optional" true) }}
{{- range $provider, $_ := $root.Values.rewards.secrets }}
{{- $env := printf "REWARDS_SECRET_%s" (upper $provider | replace "-" "_") }}
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ include "agis-bot.secretName" $root }}
      key: {{ $env }}
{{- end }}
{{- with $root.Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* envFrom shared by both workloads (may be empty). */}}
{{- define "agis-bot.envFrom" -}}
{{- with .Values.rewards.existingSecret }}
- secretRef:
    name: {{ . }}
{{- end }}
{{- with .Values.extraEnvFrom }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
The pod spec shared by both workloads. Arg: dict "root" $ "component" "api"|"bot" "values" (.Values.api|.Values.bot).
*/}}
{{- define "agis-bot.podTemplate" -}}
{{- $root := .root -}}
{{- $v := .values -}}
metadata:
  labels:
    {{- include "agis-bot.selectorLabels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
  annotations:
    {{- /* A changed Secret or catalog must restart the pods; env vars are read once at boot. */}}
    checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
    checksum/game-catalog: {{ include (print $root.Template.BasePath "/configmap-game-catalog.yaml") $root | sha256sum }}
    {{- if $root.Values.monitoring.podAnnotations }}
    prometheus.io/scrape: "true"
    prometheus.io/port: {{ $root.Values.containerPort | quote }}
    prometheus.io/path: /metrics
    {{- end }}
    {{- with $v.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "agis-bot.serviceAccountName" $root }}
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
  containers:
    - name: agis
      image: {{ include "agis-bot.image" $root | quote }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      ports:
        - name: http
          containerPort: {{ $root.Values.containerPort }}
          protocol: TCP
      env:
        {{- include "agis-bot.env" (dict "root" $root "roles" $v.roles) | nindent 8 }}
      {{- $envFrom := include "agis-bot.envFrom" $root | trim }}
      {{- if $envFrom }}
      envFrom:
        {{- $envFrom | nindent 8 }}
      {{- end }}
      startupProbe:
        httpGet: { path: {{ $root.Values.probes.startup.path }}, port: http }
        periodSeconds: {{ $root.Values.probes.startup.periodSeconds }}
        failureThreshold: {{ $root.Values.probes.startup.failureThreshold }}
        timeoutSeconds: {{ $root.Values.probes.startup.timeoutSeconds }}
      livenessProbe:
        httpGet: { path: {{ $root.Values.probes.liveness.path }}, port: http }
        periodSeconds: {{ $root.Values.probes.liveness.periodSeconds }}
        failureThreshold: {{ $root.Values.probes.liveness.failureThreshold }}
        timeoutSeconds: {{ $root.Values.probes.liveness.timeoutSeconds }}
      readinessProbe:
        httpGet: { path: {{ $root.Values.probes.readiness.path }}, port: http }
        periodSeconds: {{ $root.Values.probes.readiness.periodSeconds }}
        failureThreshold: {{ $root.Values.probes.readiness.failureThreshold }}
        timeoutSeconds: {{ $root.Values.probes.readiness.timeoutSeconds }}
      resources:
        {{- toYaml $v.resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- if $root.Values.gameCatalog }}
        - name: game-catalog
          mountPath: /etc/agis
          readOnly: true
        {{- end }}
  volumes:
    - name: tmp
      {{- if $root.Values.tmpVolume.sizeLimit }}
      emptyDir:
        sizeLimit: {{ $root.Values.tmpVolume.sizeLimit }}
      {{- else }}
      emptyDir: {}
      {{- end }}
    {{- if $root.Values.gameCatalog }}
    - name: game-catalog
      configMap:
        name: {{ include "agis-bot.fullname" $root }}-game-catalog
    {{- end }}
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
