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
{{- if or .Values.database.url .Values.discord.token .Values.redis.url .Values.rewards.secrets .Values.webhooks.secretKey .Values.webhooks.previousSecretKey .Values.stripe.secretKey .Values.stripe.webhookSecret -}}true{{- end -}}
{{- end -}}

{{/*
The migration Job runs before the release's own objects exist (pre-install), so the literal secrets it needs
(DATABASE_URL, the webhook keys) go into a Secret of its own, created as a hook just before it.
*/}}
{{- define "agis-bot.migrationSecretName" -}}
{{- printf "%s-migrations" (include "agis-bot.fullname" .) -}}
{{- end -}}

{{- define "agis-bot.hasMigrationLiteralSecrets" -}}
{{- if or .Values.database.url .Values.webhooks.secretKey .Values.webhooks.previousSecretKey -}}true{{- end -}}
{{- end -}}

{{/* "true" when the comma list of roles (e.g. "api,scheduler") holds role. Arg: list roles role. */}}
{{- define "agis-bot.hasRole" -}}
{{- if has (index . 1) (splitList "," (nospace (index . 0))) -}}true{{- end -}}
{{- end -}}

{{/*
One secret env var. Args: dict "root" $ "env" NAME "literal" value "existing" secretName "key" keyName "optional" bool,
and optionally "secretName" (where literals live; default the chart's Secret).
A literal value wins (it is stored in the chart's Secret under NAME); else an existing Secret's key is referenced;
else nothing is emitted, or rendering fails for a required secret.
*/}}
{{- define "agis-bot.secretEnv" -}}
{{- if .literal }}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .secretName | default (include "agis-bot.secretName" .root) }}
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

{{/* The plain config: env vars, non-empty values only. */}}
{{- define "agis-bot.configEnv" -}}
{{- range $name, $value := .Values.config }}
{{- if not (or (kindIs "invalid" $value) (eq (toString $value) "")) }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* DATABASE_URL and the webhook keys, which every agis container needs. Arg: dict "root" $ "secretName" name. */}}
{{- define "agis-bot.coreSecretEnv" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- include "agis-bot.secretEnv" (dict "root" $root "secretName" .secretName "env" "DATABASE_URL" "literal" $v.database.url "existing" $v.database.existingSecret "key" $v.database.existingSecretKey "optional" false "literalPath" "database.url" "existingPath" "database.existingSecret") }}
{{- include "agis-bot.secretEnv" (dict "root" $root "secretName" .secretName "env" "WEBHOOK_SECRET_KEY" "literal" $v.webhooks.secretKey "existing" $v.webhooks.existingSecret "key" $v.webhooks.existingSecretKey "optional" false "literalPath" "webhooks.secretKey" "existingPath" "webhooks.existingSecret") }}
{{- include "agis-bot.secretEnv" (dict "root" $root "secretName" .secretName "env" "WEBHOOK_SECRET_KEY_PREVIOUS" "literal" $v.webhooks.previousSecretKey "existing" $v.webhooks.existingSecret "key" $v.webhooks.previousExistingSecretKey "optional" true) }}
{{- end -}}

{{/*
Container env of a workload. Arg: dict "root" $ "roles" "api,scheduler" "poolSize" 5.
DISCORD_TOKEN only where the roles include bot: api and scheduler pods never hold it.
*/}}
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
- name: DATABASE_POOL_SIZE
  value: {{ .poolSize | int | toString | quote }}
- name: AGONES_SIDECAR_IMAGE
  value: {{ include "agis-bot.image" $root | quote }}
{{- if $root.Values.gameCatalog }}
- name: GAME_CATALOG_FILE
  value: /etc/agis/game-catalog.json
{{- end }}
{{- include "agis-bot.configEnv" $root }}
{{- include "agis-bot.coreSecretEnv" (dict "root" $root) }}
{{- if include "agis-bot.hasRole" (list .roles "bot") }}
{{- include "agis-bot.secretEnv" (dict "root" $root "env" "DISCORD_TOKEN" "literal" $root.Values.discord.token "existing" $root.Values.discord.existingSecret "key" $root.Values.discord.existingSecretKey "optional" false "literalPath" "discord.token" "existingPath" "discord.existingSecret") }}
{{- end }}
{{- include "agis-bot.secretEnv" (dict "root" $root "env" "REDIS_URL" "literal" $root.Values.redis.url "existing" $root.Values.redis.existingSecret "key" $root.Values.redis.existingSecretKey "optional" true) }}
{{- include "agis-bot.secretEnv" (dict "root" $root "env" "STRIPE_SECRET_KEY" "literal" $root.Values.stripe.secretKey "existing" $root.Values.stripe.existingSecret "key" $root.Values.stripe.existingSecretKeyKey "optional" true) }}
{{- include "agis-bot.secretEnv" (dict "root" $root "env" "STRIPE_WEBHOOK_SECRET" "literal" $root.Values.stripe.webhookSecret "existing" $root.Values.stripe.existingSecret "key" $root.Values.stripe.existingWebhookSecretKey "optional" true) }}
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

{{/* Env of the migration Job: the config, DATABASE_URL and the webhook keys (the app's config check wants them). */}}
{{- define "agis-bot.migrationEnv" -}}
{{- include "agis-bot.configEnv" . }}
{{- include "agis-bot.coreSecretEnv" (dict "root" . "secretName" (include "agis-bot.migrationSecretName" .)) }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Rollout surge of the api Deployment in pods: maxSurge as a count, or a percentage of replicas rounded up
(what the Deployment controller does).
*/}}
{{- define "agis-bot.apiSurge" -}}
{{- $replicas := int (index . 0) -}}
{{- $surge := toString (index . 1) -}}
{{- if hasSuffix "%" $surge -}}
{{- div (add (mul $replicas (int (trimSuffix "%" $surge))) 99) 100 -}}
{{- else -}}
{{- int $surge -}}
{{- end -}}
{{- end -}}

{{/*
The most PostgreSQL connections the release can hold at once, as JSON: every api pod at full scale plus a rollout's
surge with a full pool each, the bot's pool, and the migration Job (its command holds at most 2).
*/}}
{{- define "agis-bot.connectionBudget" -}}
{{- $v := .Values -}}
{{- $apiReplicas := ternary $v.api.autoscaling.maxReplicas $v.api.replicaCount $v.api.autoscaling.enabled | int -}}
{{- $surge := include "agis-bot.apiSurge" (list $apiReplicas $v.api.maxSurge) | int -}}
{{- $apiPods := add $apiReplicas $surge -}}
{{- $api := mul $apiPods (int $v.api.databasePoolSize) -}}
{{- $bot := ternary (int $v.bot.databasePoolSize) 0 $v.bot.enabled -}}
{{- $migrations := ternary 2 0 $v.migrations.enabled -}}
{{- toJson (dict "apiReplicas" $apiReplicas "surge" $surge "apiPods" $apiPods "apiPool" (int $v.api.databasePoolSize) "api" $api "bot" $bot "migrations" $migrations "total" (add $api $bot $migrations) "max" (int $v.database.maxConnections)) -}}
{{- end -}}

{{/* Render-time checks of values that would otherwise fail only in the cluster. Emits nothing. */}}
{{- define "agis-bot.checks" -}}
{{- $v := .Values -}}
{{- if not (include "agis-bot.hasRole" (list $v.api.roles "api")) }}
{{- fail (printf "api.roles (%s) must include api: the Service and the Ingress send API requests to these pods" $v.api.roles) }}
{{- end }}
{{- if include "agis-bot.hasRole" (list $v.api.roles "bot") }}
{{- fail (printf "api.roles (%s) must not include bot: every api replica would open its own Discord gateway and answer each interaction" $v.api.roles) }}
{{- end }}
{{- if and $v.bot.enabled (not (include "agis-bot.hasRole" (list $v.bot.roles "bot"))) }}
{{- fail (printf "bot.roles (%s) must include bot" $v.bot.roles) }}
{{- end }}
{{- if and $v.bot.enabled (include "agis-bot.hasRole" (list $v.bot.roles "api")) }}
{{- fail (printf "bot.roles (%s) must not include api: the bot pod is not behind the API Service" $v.bot.roles) }}
{{- end }}
{{- if not (or (include "agis-bot.hasRole" (list $v.api.roles "scheduler")) (and $v.bot.enabled (include "agis-bot.hasRole" (list $v.bot.roles "scheduler")))) }}
{{- fail (printf "no workload runs the scheduler role (api.roles %s, bot.roles %s): schedules, billing and start deadlines would never run; add scheduler to api.roles" $v.api.roles $v.bot.roles) }}
{{- end }}
{{- if hasKey $v.config "DATABASE_POOL_SIZE" }}
{{- fail "config.DATABASE_POOL_SIZE is set by the chart: use api.databasePoolSize and bot.databasePoolSize (counted against database.maxConnections)" }}
{{- end }}
{{- range $v.extraEnv }}
{{- if eq (toString .name) "DATABASE_POOL_SIZE" }}
{{- fail "extraEnv DATABASE_POOL_SIZE: use api.databasePoolSize and bot.databasePoolSize (counted against database.maxConnections)" }}
{{- end }}
{{- end }}
{{- if and $v.webhooks.secretKey (lt (len (toString $v.webhooks.secretKey)) 32) }}
{{- fail "webhooks.secretKey must be at least 32 characters (openssl rand -base64 48 makes one)" }}
{{- end }}
{{- if and $v.webhooks.previousSecretKey (lt (len (toString $v.webhooks.previousSecretKey)) 32) }}
{{- fail "webhooks.previousSecretKey must be at least 32 characters" }}
{{- end }}
{{- if and $v.stripe.secretKey (not (or $v.stripe.webhookSecret $v.stripe.existingSecret)) }}
{{- fail "stripe.secretKey needs stripe.webhookSecret (or stripe.existingSecret holding STRIPE_WEBHOOK_SECRET): the webhook is what credits paid WTG coins, and the app refuses to boot without it" }}
{{- end }}
{{- $b := include "agis-bot.connectionBudget" . | fromJson }}
{{- if gt (int $b.total) (int $b.max) }}
{{- fail (printf "database connection budget exceeded: %d api pods (%d replicas at full scale + %d rollout surge) x api.databasePoolSize %d = %d, + bot %d, + migration Job %d = %d connections > database.maxConnections %d. Lower api.databasePoolSize, api.autoscaling.maxReplicas or api.maxSurge, raise PostgreSQL's max_connections and database.maxConnections with it, or put PgBouncer in front (README \"Connection budget and PgBouncer\")" (int $b.apiPods) (int $b.apiReplicas) (int $b.surge) (int $b.apiPool) (int $b.api) (int $b.bot) (int $b.migrations) (int $b.total) (int $b.max)) }}
{{- end }}
{{- $graceMs := $v.config.SHUTDOWN_GRACE_MS | default 10000 | int }}
{{- $graceS := div (add $graceMs 999) 1000 }}
{{- range $component := list "api" "bot" }}
{{- $w := index $v $component }}
{{- $pause := int ($w.preStopSleepSeconds | default 0) }}
{{- if and (or (eq $component "api") $v.bot.enabled) (ge (add $pause $graceS) (int $v.terminationGracePeriodSeconds)) }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must exceed %s.preStopSleepSeconds (%d) + SHUTDOWN_GRACE_MS (%d s): Kubernetes counts the grace period from the start of the preStop pause and kills the pod when it ends" (int $v.terminationGracePeriodSeconds) $component $pause $graceS) }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The built-in game keys (src/servers/catalog/game-catalog.ts BUILT_IN_GAMES; the chart test keeps them equal). */}}
{{- define "agis-bot.builtInGames" -}}
minecraft,terraria,dst,cs2,gmod,valheim,rust,ark,palworld,7d2d,pz,factorio,satisfactory,starbound
{{- end -}}

{{- define "agis-bot.isWholeNumber" -}}
{{- if or (kindIs "int" .) (kindIs "int64" .) (and (kindIs "float64" .) (eq . (floor .))) -}}true{{- end -}}
{{- end -}}

{{/*
gameCatalog as the JSON file the app reads (GAME_CATALOG_FILE), after checking it the way the app's loader
(applyCatalogOverride in src/servers/catalog/game-catalog.ts) does, so a catalog the app would refuse at boot (every pod
crash-looping) fails the render instead, listing every problem.
*/}}
{{- define "agis-bot.gameCatalogJson" -}}
{{- $catalog := .Values.gameCatalog -}}
{{- if not (kindIs "slice" $catalog) -}}
{{- fail "gameCatalog must be a list of games (- key: minecraft, hourlyCost: 30, ...), not a map keyed by game: see the comment on gameCatalog in values.yaml" -}}
{{- end -}}
{{- $builtIn := splitList "," (include "agis-bot.builtInGames" .) -}}
{{- $fields := list "key" "name" "hourlyCost" "image" "ports" "resources" "env" "args" "dataPath" "storage" "readiness" -}}
{{- $required := list "name" "hourlyCost" "image" "ports" "resources" "dataPath" "storage" "readiness" -}}
{{- $problems := list -}}
{{- $seen := dict -}}
{{- range $i, $g := $catalog -}}
{{- if not (and (kindIs "map" $g) (kindIs "string" $g.key) (regexMatch "^[a-z0-9][a-z0-9-]{0,31}$" (toString $g.key))) -}}
{{- $problems = append $problems (printf "gameCatalog[%d]: key must be lowercase letters, digits and dashes (at most 32)" $i) -}}
{{- else if hasKey $seen $g.key -}}
{{- $problems = append $problems (printf "gameCatalog[%d]: duplicate key %q" $i $g.key) -}}
{{- else -}}
{{- $_ := set $seen $g.key true -}}
{{- $at := printf "gameCatalog[%d] (%s)" $i $g.key -}}
{{- $new := not (has $g.key $builtIn) -}}
{{- range $f := keys $g | sortAlpha -}}
{{- if not (has $f $fields) -}}
{{- $problems = append $problems (printf "%s: unknown field %q (fields: %s)" $at $f (join ", " $fields)) -}}
{{- end -}}
{{- end -}}
{{- if $new -}}
{{- range $f := $required -}}
{{- if not (hasKey $g $f) -}}
{{- $problems = append $problems (printf "%s: %s is required for a game that is not built in" $at $f) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if hasKey $g "name" -}}
{{- if not (and (kindIs "string" $g.name) (ne (trim $g.name) "") (regexMatch "^(?s).{1,64}$" $g.name)) -}}
{{- $problems = append $problems (printf "%s: name must be a non-empty string of at most 64 characters" $at) -}}
{{- end -}}
{{- end -}}
{{- if hasKey $g "hourlyCost" -}}
{{- if not (and (include "agis-bot.isWholeNumber" $g.hourlyCost) (gt (float64 $g.hourlyCost) 0.0) (le (float64 $g.hourlyCost) 9007199254740991.0)) -}}
{{- $problems = append $problems (printf "%s: hourlyCost must be a positive whole number of GameCredits" $at) -}}
{{- end -}}
{{- end -}}
{{- if hasKey $g "image" -}}
{{- if not (and (kindIs "string" $g.image) (regexMatch "^\\S{1,255}$" $g.image)) -}}
{{- $problems = append $problems (printf "%s: image must be a container image reference" $at) -}}
{{- end -}}
{{- end -}}
{{- if hasKey $g "ports" -}}
{{- if not (and (kindIs "slice" $g.ports) (ge (len $g.ports) 1) (le (len $g.ports) 8)) -}}
{{- $problems = append $problems (printf "%s: ports must list 1 to 8 ports" $at) -}}
{{- else -}}
{{- $names := dict -}}
{{- range $j, $port := $g.ports -}}
{{- $q := ternary $port dict (kindIs "map" $port) -}}
{{- range $f := keys $q | sortAlpha -}}
{{- if not (has $f (list "name" "containerPort" "protocol")) -}}
{{- $problems = append $problems (printf "%s: ports[%d]: unknown field %q" $at $j $f) -}}
{{- end -}}
{{- end -}}
{{- if not (and (kindIs "string" $q.name) (regexMatch "^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$" (toString $q.name))) -}}
{{- $problems = append $problems (printf "%s: ports[%d].name must be a short lowercase name (letters, digits, dashes)" $at $j) -}}
{{- else if hasKey $names $q.name -}}
{{- $problems = append $problems (printf "%s: port names must be unique" $at) -}}
{{- else -}}
{{- $_ := set $names $q.name true -}}
{{- end -}}
{{- if not (and (include "agis-bot.isWholeNumber" $q.containerPort) (ge (float64 $q.containerPort) 1.0) (le (float64 $q.containerPort) 65535.0)) -}}
{{- $problems = append $problems (printf "%s: ports[%d].containerPort must be 1-65535" $at $j) -}}
{{- end -}}
{{- if not (has $q.protocol (list "TCP" "UDP" "TCPUDP")) -}}
{{- $problems = append $problems (printf "%s: ports[%d].protocol must be TCP, UDP or TCPUDP (both on one port)" $at $j) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if hasKey $g "resources" -}}
{{- $r := ternary $g.resources dict (kindIs "map" $g.resources) -}}
{{- range $f := keys $r | sortAlpha -}}
{{- if not (has $f (list "cpu" "memory")) -}}
{{- $problems = append $problems (printf "%s: resources: unknown field %q" $at $f) -}}
{{- end -}}
{{- end -}}
{{- if not (and (kindIs "string" $r.cpu) (regexMatch "^(\\d+m|\\d+(\\.\\d{1,3})?)$" (toString $r.cpu))) -}}
{{- $problems = append $problems (printf "%s: resources.cpu must be a Kubernetes CPU quantity such as \"500m\" or \"2\"" $at) -}}
{{- end -}}
{{- if not (and (kindIs "string" $r.memory) (regexMatch "^\\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$" (toString $r.memory))) -}}
{{- $problems = append $problems (printf "%s: resources.memory must be a Kubernetes memory quantity such as \"2Gi\"" $at) -}}
{{- end -}}
{{- end -}}
{{- if hasKey $g "env" -}}
{{- if not (kindIs "map" $g.env) -}}
{{- $problems = append $problems (printf "%s: env must be a map of NAME: \"value\" pairs" $at) -}}
{{- else -}}
{{- range $name := keys $g.env | sortAlpha -}}
{{- $value := index $g.env $name -}}
{{- if not (and (regexMatch "^[A-Za-z_][A-Za-z0-9_]{0,127}$" $name) (kindIs "string" $value) (le (len (toString $value)) 4096)) -}}
{{- $problems = append $problems (printf "%s: env.%s must be a variable name with a string value of at most 4096 characters (quote values such as \"TRUE\" or \"25565\")" $at (trunc 40 $name)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if hasKey $g "args" -}}
{{- $ok := and (kindIs "slice" $g.args) (le (len $g.args) 64) -}}
{{- if $ok -}}
{{- range $g.args -}}
{{- if not (and (kindIs "string" .) (le (len (toString .)) 1024)) -}}
{{- $ok = false -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if not $ok -}}
{{- $problems = append $problems (printf "%s: args must be a list of at most 64 strings" $at) -}}
{{- end -}}
{{- end -}}
{{- if hasKey $g "dataPath" -}}
{{- if not (and (kindIs "string" $g.dataPath) (regexMatch "^/(?s)[^\\x00]{0,254}$" $g.dataPath)) -}}
{{- $problems = append $problems (printf "%s: dataPath must be an absolute path inside the container, such as \"/data\"" $at) -}}
{{- end -}}
{{- end -}}
{{- if hasKey $g "storage" -}}
{{- if not (and (kindIs "string" $g.storage) (regexMatch "^[1-9]\\d{0,5}(Mi|Gi|Ti)$" $g.storage)) -}}
{{- $problems = append $problems (printf "%s: storage must be a volume size such as \"10Gi\" (Mi, Gi or Ti)" $at) -}}
{{- end -}}
{{- end -}}
{{- if hasKey $g "readiness" -}}
{{- if not (kindIs "map" $g.readiness) -}}
{{- $problems = append $problems (printf "%s: readiness must be {check, port, bootSeconds?}" $at) -}}
{{- else -}}
{{- $rd := $g.readiness -}}
{{- range $f := keys $rd | sortAlpha -}}
{{- if not (has $f (list "check" "port" "bootSeconds")) -}}
{{- $problems = append $problems (printf "%s: readiness: unknown field %q" $at $f) -}}
{{- end -}}
{{- end -}}
{{- /* Which gamedig protocols exist is known to the app only (it reads gamedig's protocols folder at boot). */ -}}
{{- if not (and (kindIs "string" $rd.check) (regexMatch "^(tcp|udp|protocol-[a-z0-9]{1,40})$" (toString $rd.check))) -}}
{{- $problems = append $problems (printf "%s: readiness.check must be tcp, udp or protocol-<name> of a gamedig protocol (e.g. protocol-minecraftvanilla, protocol-valve)" $at) -}}
{{- end -}}
{{- $portOk := include "agis-bot.isWholeNumber" $rd.port -}}
{{- /* Against the ports given here; a built-in game's own ports are checked by the app. */ -}}
{{- if and $portOk (kindIs "slice" $g.ports) -}}
{{- $containerPorts := list -}}
{{- range $g.ports -}}
{{- if kindIs "map" . -}}
{{- $containerPorts = append $containerPorts (toString .containerPort) -}}
{{- end -}}
{{- end -}}
{{- $portOk = has (toString $rd.port) $containerPorts -}}
{{- end -}}
{{- if not $portOk -}}
{{- $problems = append $problems (printf "%s: readiness.port must be one of the game's containerPorts" $at) -}}
{{- end -}}
{{- if hasKey $rd "bootSeconds" -}}
{{- if not (and (include "agis-bot.isWholeNumber" $rd.bootSeconds) (ge (float64 $rd.bootSeconds) 30.0) (le (float64 $rd.bootSeconds) 3600.0)) -}}
{{- $problems = append $problems (printf "%s: readiness.bootSeconds must be a whole number of seconds from 30 to 3600" $at) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "gameCatalog is not a catalog the app accepts (see values.yaml):\n  - %s" (join "\n  - " $problems)) -}}
{{- end -}}
{{- toPrettyJson $catalog -}}
{{- end -}}

{{/*
topologySpreadConstraints of a workload: each entry without a labelSelector selects the workload's own pods, and
(Kubernetes >= 1.27) counts only pods of the same ReplicaSet. Arg: dict "root" $ "component" "api" "list" [...].
*/}}
{{- define "agis-bot.topologySpread" -}}
{{- $root := .root -}}
{{- $selector := merge (dict "app.kubernetes.io/component" .component) (include "agis-bot.selectorLabels" $root | fromYaml) -}}
{{- $out := list -}}
{{- range .list -}}
{{- $c := deepCopy . -}}
{{- if not (hasKey $c "labelSelector") -}}
{{- $_ := set $c "labelSelector" (dict "matchLabels" $selector) -}}
{{- end -}}
{{- if and (not (hasKey $c "matchLabelKeys")) (semverCompare ">=1.27-0" $root.Capabilities.KubeVersion.Version) -}}
{{- $_ := set $c "matchLabelKeys" (list "pod-template-hash") -}}
{{- end -}}
{{- $out = append $out $c -}}
{{- end -}}
{{- toYaml $out -}}
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
    {{- /* With the ServiceMonitor on, annotation-based scraping would scrape every pod a second time. */}}
    {{- if and $root.Values.monitoring.podAnnotations (not $root.Values.monitoring.serviceMonitor.enabled) }}
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
        {{- include "agis-bot.env" (dict "root" $root "roles" $v.roles "poolSize" $v.databasePoolSize) | nindent 8 }}
      {{- $envFrom := include "agis-bot.envFrom" $root | trim }}
      {{- if $envFrom }}
      envFrom:
        {{- $envFrom | nindent 8 }}
      {{- end }}
      {{- with $v.preStopSleepSeconds }}
      lifecycle:
        # Keep serving while endpoints are removed from the Service, kube-proxy and the ingress controller;
        # SIGTERM (and the app's SHUTDOWN_GRACE_MS drain) follows the pause. The image's /bin/sleep (coreutils).
        preStop:
          exec:
            command: ["sleep", {{ . | int | toString | quote }}]
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
    {{- include "agis-bot.topologySpread" (dict "root" $root "component" $.component "list" .) | nindent 4 }}
  {{- end }}
{{- end -}}
