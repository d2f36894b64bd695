{{/* Chart name, truncated to the 63 characters a label allows. */}}
{{- define "afm-serving.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name for the chart's objects. */}}
{{- define "afm-serving.fullname" -}}
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

{{- define "afm-serving.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "afm-serving.selectorLabels" -}}
app.kubernetes.io/name: {{ include "afm-serving.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "afm-serving.labels" -}}
helm.sh/chart: {{ include "afm-serving.chart" . }}
{{ include "afm-serving.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "afm-serving.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "afm-serving.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image reference: an explicit tag as given, else "<appVersion>-cpu" or "<appVersion>-gpu". */}}
{{- define "afm-serving.image" -}}
{{- $tag := .Values.image.tag }}
{{- if not $tag }}
{{- $tag = printf "%s-%s" .Chart.AppVersion (ternary "gpu" "cpu" .Values.gpu.enabled) }}
{{- end }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}

{{/* ONNX Runtime provider: cuda whenever a GPU is requested. */}}
{{- define "afm-serving.provider" -}}
{{- ternary "cuda" .Values.config.inference.provider .Values.gpu.enabled }}
{{- end }}

{{/*
Whole cores in resources.requests.cpu ("2", 2, "1500m"), at least 1; empty when no CPU request is set.
Sizes ONNX Runtime's and .NET's thread counts to what the pod is given rather than to the node.
*/}}
{{- define "afm-serving.requestedCores" -}}
{{- $cpu := "" }}
{{- with .Values.resources }}{{ with .requests }}{{ with .cpu }}{{ $cpu = toString . }}{{ end }}{{ end }}{{ end }}
{{- if $cpu }}
{{- $cores := 0 }}
{{- if hasSuffix "m" $cpu }}
{{- $cores = div (atoi (trimSuffix "m" $cpu)) 1000 }}
{{- else }}
{{- $cores = int (float64 $cpu) }}
{{- end }}
{{- max 1 $cores }}
{{- end }}
{{- end }}

{{/* StackExchange.Redis connection string; $(REDIS_PASSWORD) is expanded by the kubelet from the Secret. */}}
{{- define "afm-serving.redisConnection" -}}
{{- $r := .Values.redis }}
{{- $parts := list $r.host }}
{{- if $r.user }}{{ $parts = append $parts (printf "user=%s" $r.user) }}{{ end }}
{{- if $r.existingSecret }}{{ $parts = append $parts "password=$(REDIS_PASSWORD)" }}{{ end }}
{{- if $r.ssl }}{{ $parts = append $parts "ssl=true" }}{{ end }}
{{- if $r.options }}{{ $parts = append $parts $r.options }}{{ end }}
{{- join "," $parts }}
{{- end }}

{{/* Models come from an emptyDir filled by an init container rather than from the image. */}}
{{- define "afm-serving.modelsVolume" -}}
{{- if ne .Values.models.source "image" }}true{{ end }}
{{- end }}

{{/* Init container filling the models emptyDir (models.source initImage or url). */}}
{{- define "afm-serving.modelsInitContainer" -}}
- name: models
  {{- if eq .Values.models.source "initImage" }}
  image: "{{ .Values.models.initImage.repository }}:{{ .Values.models.initImage.tag | default "latest" }}"
  imagePullPolicy: {{ .Values.models.initImage.pullPolicy }}
  command:
    - sh
    - -ec
    - |
      cp -R "$SOURCE"/. /target/
      # Fail here rather than start a service with no model.
      find /target -mindepth 2 -maxdepth 2 -type d | grep .
  env:
    - name: SOURCE
      value: {{ .Values.models.initImage.path | quote }}
  {{- else }}
  image: {{ .Values.models.downloader.image }}
  command:
    - sh
    - -ec
    - |
      set -o pipefail
      curl -fsSL --retry 5 --retry-connrefused "$MODELS_URL" | tar -xzf - -C /target
      # Fail here rather than start a service with no model.
      find /target -mindepth 2 -maxdepth 2 -type d | grep .
  env:
    - name: MODELS_URL
      value: {{ .Values.models.url | quote }}
  {{- end }}
  securityContext:
    {{- toYaml .Values.securityContext | nindent 4 }}
  resources:
    requests:
      cpu: 100m
      memory: 64Mi
    limits:
      memory: 256Mi
  volumeMounts:
    # Not /models: that may be where the source image keeps its models.
    - name: models
      mountPath: /target
    - name: tmp
      mountPath: /tmp
{{- end }}

{{/* Redis settings: the password from the Secret first, as $(VAR) only expands variables declared earlier. */}}
{{- define "afm-serving.redisEnv" -}}
{{- if .Values.redis.host }}
{{- if .Values.redis.existingSecret }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.existingSecret }}
      key: {{ .Values.redis.passwordKey }}
{{- end }}
- name: FeatureStore__Redis
  value: {{ include "afm-serving.redisConnection" . | quote }}
{{- end }}
{{- end }}

{{/* Pod volumes: the writable /tmp and, when models do not come from the image, the models emptyDir. */}}
{{- define "afm-serving.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmp.sizeLimit }}
{{- if include "afm-serving.modelsVolume" . }}
- name: models
  emptyDir:
    sizeLimit: {{ .Values.models.sizeLimit }}
{{- end }}
{{- end }}
