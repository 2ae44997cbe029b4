// The image state machine as the server enforces it, with live counts.
import { StatusFlowPanel } from '@/components/console/status-flow';

export const metadata = { title: 'Status flow · Glance console' };

export default function StatusFlowPage() {
  return (
    <div>
      <h1 className="text-2xl font-semibold">Image status flow</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        Every state an image can be in and every transition the server allows, drawn from the same table the API enforces.
        The numbers are the images in each state now.
      </p>
      <StatusFlowPanel />
    </div>
  );
}
