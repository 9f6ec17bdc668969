{{/* The push channel's credentials Jobs (channel-credentials-job.yaml): what their pods share. */}}

{{/* Pod settings; pass (dict "ctx" $ "name" SERVICE_ACCOUNT). */}}
{{- define "breakwater.credentialsPodSpec" -}}
serviceAccountName: {{ .name }}
automountServiceAccountToken: true
restartPolicy: Never
enableServiceLinks: false
{{- with .ctx.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- include "breakwater.podSecurityContext" .ctx | nindent 2 }}
{{- with .ctx.Values.operator.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .ctx.Values.operator.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The container, up to its args: the operator image's shell; pass (dict "ctx" $ "secret" NAME). */}}
{{- define "breakwater.credentialsContainer" -}}
image: {{ include "breakwater.image" (dict "image" .ctx.Values.operator.image "ctx" .ctx) }}
imagePullPolicy: {{ .ctx.Values.operator.image.pullPolicy }}
command: ["/bin/sh"]
env:
  - name: NAMESPACE
    valueFrom:
      fieldRef:
        fieldPath: metadata.namespace
  - name: SECRET
    value: {{ .secret }}
  - name: LABELS
    value: {{ include "breakwater.selectorLabels" (dict "ctx" .ctx "component" "channel-credentials") | fromYaml | toJson | quote }}
resources:
  {{- toYaml .ctx.Values.channel.credentialsJob.resources | nindent 2 }}
securityContext:
  {{- include "breakwater.containerSecurityContext" .ctx | nindent 2 }}
{{- end -}}

{{/* Shell functions both scripts use: the API server, as the pod's ServiceAccount. */}}
{{- define "breakwater.kubeApiShell" -}}
sa=${SERVICE_ACCOUNT_DIR:-/var/run/secrets/kubernetes.io/serviceaccount}
host=$KUBERNETES_SERVICE_HOST
case $host in *:*) host="[$host]" ;; esac
secrets="https://$host:$KUBERNETES_SERVICE_PORT/api/v1/namespaces/$NAMESPACE/secrets"
api() { curl -sS --cacert "$sa/ca.crt" -H "Authorization: Bearer $(cat "$sa/token")" "$@"; }
{{- end -}}

{{/* Makes the Secret unless it exists: PEM files from the operator's own `credentials` command. */}}
{{- define "breakwater.credentialsScript" -}}
{{ include "breakwater.kubeApiShell" . }}
dir=${CREDENTIALS_DIR:-/credentials}
code=$(api -o "$dir/answer" -w '%{http_code}' "$secrets/$SECRET")
case $code in
  200) echo "Secret $NAMESPACE/$SECRET exists: kept"; exit 0 ;;
  404) ;;
  *) echo "cannot read Secret $NAMESPACE/$SECRET: HTTP $code $(cat "$dir/answer")" >&2; exit 1 ;;
esac
java -jar /opt/breakwater/breakwater-operator.jar credentials "$dir/pem"
{{- range (include "breakwater.channel.serverNames" . | fromJsonArray) }} --server-name {{ . }}{{ end }}
data=
for f in ca.crt ca.key server.crt server.key client.crt client.key; do
  data="$data\"$f\":\"$(base64 -w0 "$dir/pem/$f")\","
done
printf '{"apiVersion":"v1","kind":"Secret","type":"Opaque","metadata":{"name":"%s","labels":%s},"data":{%s}}' \
  "$SECRET" "$LABELS" "${data%,}" > "$dir/secret.json"
code=$(api -o "$dir/answer" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  --data-binary "@$dir/secret.json" "$secrets")
case $code in
  201) echo "Secret $NAMESPACE/$SECRET created" ;;
  409) echo "Secret $NAMESPACE/$SECRET was created meanwhile: kept" ;;
  *) echo "cannot create Secret $NAMESPACE/$SECRET: HTTP $code $(cat "$dir/answer")" >&2; exit 1 ;;
esac
{{- end -}}

{{/* Deletes the Secret (gone already: fine). */}}
{{- define "breakwater.cleanupScript" -}}
{{ include "breakwater.kubeApiShell" . }}
code=$(api -o /tmp/answer -w '%{http_code}' -X DELETE "$secrets/$SECRET")
case $code in
  200|202) echo "Secret $NAMESPACE/$SECRET deleted" ;;
  404) echo "Secret $NAMESPACE/$SECRET was gone already" ;;
  *) echo "cannot delete Secret $NAMESPACE/$SECRET: HTTP $code $(cat /tmp/answer)" >&2; exit 1 ;;
esac
{{- end -}}
