/** Journal events of the workflow and notification modules (declaration merging, see journal.events.ts). */
declare module '../journal/journal.events.js' {
  interface JournalEvents {
    'workflow.service_done_attested': { attestationId: string; partial: boolean; acceptedAmount: string | null; comment: string | null; via: 'direct' | 'circuit'; instanceId?: string };
    'workflow.circuit_defined': { circuitId: string; name: string; priority: number; steps: number; active: boolean };
    'workflow.circuit_started': { instanceId: string; circuitId: string; circuitName: string; steps: Array<{ kind: string; label: string }> };
    'workflow.step_approved': { instanceId: string; taskId: string; stepIndex: number; kind: string; comment: string | null; delegatedFrom: string | null; reauth: string | null };
    'workflow.step_refused': { instanceId: string; taskId: string; stepIndex: number; reason: string; proposal: string; delegatedFrom: string | null };
    'workflow.step_sent_back': { instanceId: string; taskId: string; fromStep: number; toStep: number; comment: string | null };
    'workflow.task_delegated': { instanceId: string; taskId: string; toUserId: string; comment: string | null };
    'workflow.comment': { instanceId: string | null; taskId: string | null; text: string };
    'workflow.circuit_completed': { instanceId: string };
    'workflow.circuit_resumed': { instanceId: string; stepIndex: number };
    'workflow.circuit_cancelled': { instanceId: string; reason: string };
    'workflow.certificate_issued': { documentId: string; sha256: string; filename: string; signerUserId: string; reauth: string; sealed: boolean; sealing: string };
    'workflow.delegation_created': { delegationId: string; fromUserId: string; toUserId: string; startsOn: string; endsOn: string };
    'workflow.dgp_updated': {
      cause: 'started' | 'interrupted' | 'completed' | 'restarted' | 'mandated' | 'paid';
      dueOn: string | null;
      ordonnateurDueOn: string | null;
      periodDays: number;
      balanceDays: number | null;
      at: string;
    };
    'workflow.supplier_notified': { channel: 'chorus' | 'email'; to: string | null; outboxId: string | null; action: string };
    'workflow.settings_updated': { changes: Record<string, unknown> };
  }
}
export {};
