{{/* Chart name, or nameOverride. */}}
{{- define "easel.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every object name: fullnameOverride, else release name plus chart name (once). */}}
{{- define "easel.fullname" -}}
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

{{/* Object names of the two components. */}}
{{- define "easel.gateway.fullname" -}}
{{- printf "%s-gateway" (include "easel.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The gateway's management Service (health, metrics): always ClusterIP. */}}
{{- define "easel.gateway.managementName" -}}
{{- printf "%s-management" (include "easel.gateway.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "easel.worker.fullname" -}}
{{- printf "%s-worker" (include "easel.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object; call with (dict "root" $ "component" "gateway"). */}}
{{- define "easel.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "easel.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: easel
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels that select one component's pods. */}}
{{- define "easel.selectorLabels" -}}
app.kubernetes.io/name: {{ include "easel.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* registry/repository:tag[@digest]; global.imageRegistry wins over the image's registry. Call with (dict "root" $ "image" .image). */}}
{{- define "easel.image" -}}
{{- $registry := coalesce .root.Values.global.imageRegistry .image.registry -}}
{{- $tag := default .root.Chart.AppVersion .image.tag -}}
{{- $ref := printf "%s:%s" .image.repository $tag -}}
{{- if $registry }}{{ $ref = printf "%s/%s" $registry $ref }}{{ end -}}
{{- if .image.digest }}{{ $ref = printf "%s@%s" $ref .image.digest }}{{ end -}}
{{- $ref -}}
{{- end }}

{{- define "easel.gateway.serviceAccountName" -}}
{{- if .Values.gateway.serviceAccount.create }}
{{- default (include "easel.gateway.fullname" .) .Values.gateway.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.gateway.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "easel.worker.serviceAccountName" -}}
{{- if .Values.worker.serviceAccount.create }}
{{- default (include "easel.worker.fullname" .) .Values.worker.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.worker.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The chart's own Secret, holding every credential not taken from an existingSecret. */}}
{{- define "easel.secretName" -}}
{{- include "easel.fullname" . }}
{{- end }}

{{/*
Environment entries read from Secrets, shared by both components: Redis URL, S3 credentials and the Kafka JAAS line.
Each comes from its existingSecret when one is named, else from the chart's Secret.
*/}}
{{- define "easel.sharedSecretEnv" -}}
{{- $own := include "easel.secretName" . -}}
- name: QUARKUS_REDIS_HOSTS
  valueFrom:
    secretKeyRef:
      {{- if .Values.redis.existingSecret }}
      name: {{ .Values.redis.existingSecret }}
      key: {{ .Values.redis.existingSecretHostsKey }}
      {{- else }}
      name: {{ $own }}
      key: redis-hosts
      {{- end }}
{{- if or .Values.storage.existingSecret .Values.storage.accessKeyId }}
- name: EASEL_STORAGE_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      {{- if .Values.storage.existingSecret }}
      name: {{ .Values.storage.existingSecret }}
      key: {{ .Values.storage.existingSecretAccessKeyIdKey }}
      {{- else }}
      name: {{ $own }}
      key: storage-access-key-id
      {{- end }}
- name: EASEL_STORAGE_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      {{- if .Values.storage.existingSecret }}
      name: {{ .Values.storage.existingSecret }}
      key: {{ .Values.storage.existingSecretSecretAccessKeyKey }}
      {{- else }}
      name: {{ $own }}
      key: storage-secret-access-key
      {{- end }}
{{- else }}
{{- /* Empty values unset the images' defaults, so the AWS default credential chain applies (IRSA, instance profile). */}}
- name: EASEL_STORAGE_ACCESS_KEY_ID
  value: ""
- name: EASEL_STORAGE_SECRET_ACCESS_KEY
  value: ""
{{- end }}
{{- if or .Values.kafka.existingSecret .Values.kafka.saslJaasConfig }}
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      {{- if .Values.kafka.existingSecret }}
      name: {{ .Values.kafka.existingSecret }}
      key: {{ .Values.kafka.existingSecretJaasConfigKey }}
      {{- else }}
      name: {{ $own }}
      key: kafka-sasl-jaas-config
      {{- end }}
{{- end }}
{{- end }}

{{/* Kafka, topic and storage settings both components read, as ConfigMap data (env var name: value). */}}
{{- define "easel.sharedConfig" -}}
KAFKA_BOOTSTRAP_SERVERS: {{ .Values.kafka.bootstrapServers | quote }}
{{- with .Values.kafka.securityProtocol }}
KAFKA_SECURITY_PROTOCOL: {{ . | quote }}
{{- end }}
{{- with .Values.kafka.saslMechanism }}
KAFKA_SASL_MECHANISM: {{ . | quote }}
{{- end }}
EASEL_TOPICS_JOBS: {{ .Values.kafka.topics.jobs | quote }}
EASEL_TOPICS_JOB_EVENTS: {{ .Values.kafka.topics.jobEvents | quote }}
EASEL_TOPICS_DEAD_LETTERS: {{ .Values.kafka.topics.deadLetters | quote }}
EASEL_STORAGE_ENDPOINT: {{ .Values.storage.endpoint | quote }}
EASEL_STORAGE_REGION: {{ .Values.storage.region | quote }}
EASEL_STORAGE_BUCKET: {{ .Values.storage.bucket | quote }}
EASEL_STORAGE_PATH_STYLE: {{ .Values.storage.pathStyle | quote }}
{{- end }}

{{/* The worker image: the GPU image in GPU mode. */}}
{{- define "easel.worker.image" -}}
{{- if .Values.worker.gpu.enabled }}
{{- include "easel.image" (dict "root" . "image" .Values.worker.gpu.image) }}
{{- else }}
{{- include "easel.image" (dict "root" . "image" .Values.worker.image) }}
{{- end }}
{{- end }}

{{/* Execution providers: worker.engine.providers, else TensorRT, CUDA, CPU with a GPU and the CPU alone without. */}}
{{- define "easel.worker.providers" -}}
{{- if .Values.worker.engine.providers }}
{{- .Values.worker.engine.providers }}
{{- else if .Values.worker.gpu.enabled }}
{{- "tensorrt,cuda,cpu" }}
{{- else }}
{{- "cpu" }}
{{- end }}
{{- end }}

{{/* Jobs (queued plus running) one worker replica should carry: keda.jobsPerReplica, else its slots. */}}
{{- define "easel.worker.jobsPerReplica" -}}
{{- if kindIs "invalid" .Values.worker.keda.jobsPerReplica }}
{{- .Values.worker.slots }}
{{- else }}
{{- .Values.worker.keda.jobsPerReplica }}
{{- end }}
{{- end }}
