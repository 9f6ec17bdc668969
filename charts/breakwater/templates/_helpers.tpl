{{/* The chart's name, or nameOverride. */}}
{{- define "breakwater.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every object name: fullnameOverride, else the release name when it holds the chart's name, else
release-name. Kept to 40 characters so that "-dataplane-metrics" still fits 63. */}}
{{- define "breakwater.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "breakwater.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object; pass (dict "ctx" $ "component" "operator"). */}}
{{- define "breakwater.labels" -}}
helm.sh/chart: {{ include "breakwater.chart" .ctx }}
{{ include "breakwater.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: breakwater
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The labels selectors use (never changed by an upgrade). */}}
{{- define "breakwater.selectorLabels" -}}
app.kubernetes.io/name: {{ include "breakwater.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}

{{- define "breakwater.operator.fullname" -}}
{{- printf "%s-operator" (include "breakwater.fullname" .) -}}
{{- end -}}

{{- define "breakwater.dataplane.fullname" -}}
{{- printf "%s-dataplane" (include "breakwater.fullname" .) -}}
{{- end -}}

{{- define "breakwater.operator.serviceAccountName" -}}
{{- if .Values.operator.serviceAccount.create -}}
{{- default (include "breakwater.operator.fullname" .) .Values.operator.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.operator.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "breakwater.dataplane.serviceAccountName" -}}
{{- if .Values.dataplane.serviceAccount.create -}}
{{- default (include "breakwater.dataplane.fullname" .) .Values.dataplane.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.dataplane.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "breakwater.leaseName" -}}
{{- default (include "breakwater.operator.fullname" .) .Values.operator.leaderElection.leaseName -}}
{{- end -}}

{{/* The Secret with the push channel's PEM files. */}}
{{- define "breakwater.channel.secretName" -}}
{{- default (printf "%s-channel" (include "breakwater.fullname" .)) .Values.channel.existingSecret -}}
{{- end -}}

{{/* The push channel's Service: no selector; the leader writes its EndpointSlice (<service>-leader). */}}
{{- define "breakwater.channel.serviceName" -}}
{{- include "breakwater.operator.fullname" . -}}
{{- end -}}

{{/* The host data planes connect to; the server certificate carries it. */}}
{{- define "breakwater.channel.host" -}}
{{- printf "%s.%s.svc" (include "breakwater.channel.serviceName" .) .Release.Namespace -}}
{{- end -}}

{{/* Names of the operator's server certificate. */}}
{{- define "breakwater.channel.serverNames" -}}
{{- $svc := include "breakwater.channel.serviceName" . -}}
{{- $ns := .Release.Namespace -}}
{{- list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.%s" $svc $ns .Values.channel.clusterDomain) | toJson -}}
{{- end -}}

{{/* image reference; pass (dict "image" .Values.operator.image "ctx" $) */}}
{{- define "breakwater.image" -}}
{{- printf "%s:%s" .image.repository (default .ctx.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{/* Where both sides mount the channel's PEM files. */}}
{{- define "breakwater.channel.mountPath" -}}
/etc/breakwater/channel
{{- end -}}

{{/* Seconds from a data-plane pod's deletion to its SIGKILL. */}}
{{- define "breakwater.dataplane.terminationGracePeriodSeconds" -}}
{{- $d := .Values.dataplane.drain -}}
{{- $needed := add $d.preStopSleepSeconds $d.graceSeconds $d.timeoutSeconds -}}
{{- if kindIs "invalid" .Values.dataplane.terminationGracePeriodSeconds -}}
{{- add $needed 5 -}}
{{- else if le (int .Values.dataplane.terminationGracePeriodSeconds) (int $needed) -}}
{{- fail (printf "dataplane.terminationGracePeriodSeconds (%v) must be larger than drain.preStopSleepSeconds + drain.graceSeconds + drain.timeoutSeconds (%v), or the kubelet kills data planes in the middle of their drain" .Values.dataplane.terminationGracePeriodSeconds $needed) -}}
{{- else -}}
{{- .Values.dataplane.terminationGracePeriodSeconds -}}
{{- end -}}
{{- end -}}

{{/* Ports the data-plane container listens on. */}}
{{- define "breakwater.dataplane.httpPort" -}}
{{- if .Values.dataplane.hostNetwork }}{{ .Values.dataplane.ports.http }}{{ else }}8080{{ end -}}
{{- end -}}
{{- define "breakwater.dataplane.httpsPort" -}}
{{- if .Values.dataplane.hostNetwork }}{{ .Values.dataplane.ports.https }}{{ else }}8443{{ end -}}
{{- end -}}
{{- define "breakwater.dataplane.adminPort" -}}
{{- .Values.dataplane.ports.admin -}}
{{- end -}}

{{/* Pod and container security settings shared by every pod of the chart. */}}
{{- define "breakwater.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "breakwater.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/*
The operator's command line (`breakwater-operator.jar run`; its own namespace, identity and pod IP come from
POD_NAMESPACE, POD_NAME and POD_IP). --channel-ca/--channel-cert/--channel-key are the push channel's options as
`serve-tables` takes them, assumed for `run` until the runtime and the channel are joined; this is the one place to
adjust.
*/}}
{{- define "breakwater.operator.args" -}}
- run
- --lease-name
- {{ include "breakwater.leaseName" . }}
- --health-port
- {{ .Values.operator.healthPort | quote }}
- --channel-service
- {{ include "breakwater.channel.serviceName" . }}
- --channel-port
- {{ .Values.channel.port | quote }}
- --channel-ca
- {{ include "breakwater.channel.mountPath" . }}/ca.crt
- --channel-cert
- {{ include "breakwater.channel.mountPath" . }}/server.crt
- --channel-key
- {{ include "breakwater.channel.mountPath" . }}/server.key
{{- $status := .Values.operator.ingressStatus }}
{{- if eq $status.source "nodes" }}
- --status-pods
- {{ include "breakwater.dataplane.selector" . }}
{{- else if eq $status.source "service" }}
- --status-service
- {{ include "breakwater.operator.publishService" . }}
{{- else if eq $status.source "addresses" }}
- --status-address
- {{ join "," $status.addresses | quote }}
{{- end }}
{{- with .Values.operator.defaultCertificate }}
- --default-certificate
- {{ . }}
{{- end }}
{{- with .Values.operator.tcpServicesConfigMap }}
- --tcp-services-configmap
- {{ . }}
{{- end }}
{{- with .Values.operator.udpServicesConfigMap }}
- --udp-services-configmap
- {{ . }}
{{- end }}
{{- with .Values.operator.controllerConfigMap }}
- --configmap
- {{ . }}
{{- end }}
{{- with .Values.gatewayAPI.gatewayServices }}
{{- if .enabled }}
- --gateway-service-selector
- {{ include "breakwater.dataplane.selector" $ }}
- --gateway-service-type
- {{ .type }}
- --gateway-service-ports
- {{ printf "%d-%d" (int .firstPort) (int .lastPort) | quote }}
{{- end }}
{{- end }}
{{- range .Values.operator.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end -}}

{{/* The data-plane pods as a label selector (for the operator's node addresses). */}}
{{- define "breakwater.dataplane.selector" -}}
{{- $labels := include "breakwater.selectorLabels" (dict "ctx" . "component" "dataplane") | fromYaml -}}
{{- $pairs := list -}}
{{- range $k := keys $labels | sortAlpha -}}
{{- $pairs = append $pairs (printf "%s=%s" $k (get $labels $k)) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end -}}

{{- define "breakwater.operator.publishService" -}}
{{- if .Values.operator.ingressStatus.service -}}
{{- .Values.operator.ingressStatus.service -}}
{{- else if .Values.dataplane.service.enabled -}}
{{- printf "%s/%s" .Release.Namespace (include "breakwater.dataplane.fullname" .) -}}
{{- else -}}
{{- fail "operator.ingressStatus.source is service: set operator.ingressStatus.service (NAMESPACE/NAME), or dataplane.service.enabled" -}}
{{- end -}}
{{- end -}}

{{/* Checks across values that the schema cannot express. */}}
{{- define "breakwater.validate" -}}
{{- if and (eq .Values.operator.ingressStatus.source "addresses") (empty .Values.operator.ingressStatus.addresses) -}}
{{- fail "operator.ingressStatus.source is addresses: list them in operator.ingressStatus.addresses" -}}
{{- end -}}
{{- if or (eq (int .Values.dataplane.ports.admin) (int .Values.dataplane.ports.http)) (eq (int .Values.dataplane.ports.admin) (int .Values.dataplane.ports.https)) (eq (int .Values.dataplane.ports.http) (int .Values.dataplane.ports.https)) -}}
{{- fail (printf "dataplane.ports: http (%v), https (%v) and admin (%v) must differ" .Values.dataplane.ports.http .Values.dataplane.ports.https .Values.dataplane.ports.admin) -}}
{{- end -}}
{{- if and (not .Values.dataplane.hostNetwork) (has (int .Values.dataplane.ports.admin) (list 8080 8443)) -}}
{{- fail (printf "dataplane.ports.admin (%v) collides with the container's HTTP/HTTPS ports 8080/8443" .Values.dataplane.ports.admin) -}}
{{- end -}}
{{- end -}}
