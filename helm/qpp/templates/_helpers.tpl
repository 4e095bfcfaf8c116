{{/* Name of the chart, overridable. */}}
{{- define "qpp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-wide prefix of every object's name. */}}
{{- define "qpp.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "qpp.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "qpp.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Name of a component's objects: (dict "root" $ "component" "registry"). */}}
{{- define "qpp.componentName" -}}
{{- printf "%s-%s" (include "qpp.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that select a component's pods. */}}
{{- define "qpp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "qpp.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Labels of every object of a component. */}}
{{- define "qpp.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "qpp.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: qpp
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{- define "qpp.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "qpp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "qpp.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The gateway's routes: <package.Service>=<host:port>, comma separated. */}}
{{- define "qpp.gatewayBackends" -}}
{{- $routes := list }}
{{- range $name, $svc := .Values.services }}
{{- if $svc.enabled }}
{{- $address := printf "%s:%v" (include "qpp.componentName" (dict "root" $ "component" $name)) $svc.grpcPort }}
{{- range $svc.grpcServices }}
{{- $routes = append $routes (printf "%s=%s" . $address) }}
{{- end }}
{{- end }}
{{- end }}
{{- join "," $routes }}
{{- end }}

{{/* The Secret with a component's certificate: (dict "root" $ "component" name "cfg" values). */}}
{{- define "qpp.tlsSecretName" -}}
{{- .cfg.tlsSecret | default (printf "%s-tls" (include "qpp.componentName" .)) }}
{{- end }}

{{/*
gRPC health probes on `port`: (dict "root" $ "port" 9101). Startup and
liveness ask for "liveness" (the process answers), readiness for ""
(its dependencies answer); see common/server/health_reporter.h.
*/}}
{{- define "qpp.probes" -}}
{{- $p := .root.Values.probes -}}
startupProbe:
  grpc:
    port: {{ .port }}
    service: liveness
  periodSeconds: {{ $p.startup.periodSeconds }}
  failureThreshold: {{ $p.startup.failureThreshold }}
  timeoutSeconds: {{ $p.startup.timeoutSeconds }}
readinessProbe:
  grpc:
    port: {{ .port }}
  periodSeconds: {{ $p.readiness.periodSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
  timeoutSeconds: {{ $p.readiness.timeoutSeconds }}
livenessProbe:
  grpc:
    port: {{ .port }}
    service: liveness
  periodSeconds: {{ $p.liveness.periodSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
  timeoutSeconds: {{ $p.liveness.timeoutSeconds }}
{{- end }}

{{/*
A checksum of the data of existing Secrets: (dict "root" $ "names" list).
On install and upgrade Helm reads them (lookup), so that an upgrade after a
Secret changed rolls the pods; offline (helm template) they read as empty.
*/}}
{{- define "qpp.secretsChecksum" -}}
{{- $all := dict }}
{{- range .names }}
{{- $secret := lookup "v1" "Secret" $.root.Release.Namespace . }}
{{- $_ := set $all . (get (default dict $secret) "data" | default dict) }}
{{- end }}
{{- toJson $all | sha256sum }}
{{- end }}

{{/* Pod annotations for Prometheus discovery: (dict "root" $ "port" 9201). */}}
{{- define "qpp.metricsAnnotations" -}}
{{- if .root.Values.metrics.podAnnotations -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end }}

{{/* Pod-level settings shared by every component: (dict "root" $ "component" name). */}}
{{- define "qpp.podSpecCommon" -}}
serviceAccountName: {{ include "qpp.serviceAccountName" .root }}
automountServiceAccountToken: {{ .root.Values.serviceAccount.automountToken }}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
terminationGracePeriodSeconds: {{ .root.Values.terminationGracePeriodSeconds }}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .root.Values.topologySpread }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "qpp.selectorLabels" . | nindent 8 }}
{{- end }}
{{- with .root.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* PodDisruptionBudget and HorizontalPodAutoscaler of a component:
(dict "root" $ "component" name "cfg" values ["kind" "StatefulSet"]). */}}
{{- define "qpp.scaling" -}}
{{- $kind := .kind | default "Deployment" }}
{{- if .cfg.pdb.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "qpp.componentName" . }}
  labels:
    {{- include "qpp.labels" . | nindent 4 }}
spec:
  minAvailable: {{ .cfg.pdb.minAvailable }}
  selector:
    matchLabels:
      {{- include "qpp.selectorLabels" . | nindent 6 }}
{{- end }}
{{- if .cfg.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "qpp.componentName" . }}
  labels:
    {{- include "qpp.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: {{ $kind }}
    name: {{ include "qpp.componentName" . }}
  minReplicas: {{ .cfg.autoscaling.minReplicas }}
  maxReplicas: {{ .cfg.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .cfg.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end }}
