/**
 * Keeps one part of the designer's failure to itself. Without it a render error anywhere (a hand-written
 * definition the inspector did not expect, say) unmounts the whole page, and the user loses the code view and
 * the unsaved definition with it. The boundary shows what failed instead, and tries again when `resetKey`
 * changes (another selection, an edit, an undo) or when the user asks.
 */
import { Component, type ErrorInfo, type ReactNode } from "react";

export interface ErrorBoundaryProps {
  /** Says what could not be shown: "The inspector could not show this state". */
  readonly what: string;
  /** Any change of it (compared with Object.is) clears the error and renders the children again. */
  readonly resetKey: unknown;
  readonly children: ReactNode;
}

interface ErrorBoundaryState {
  readonly error?: Error;
  readonly resetKey: unknown;
}

export class ErrorBoundary extends Component<ErrorBoundaryProps, ErrorBoundaryState> {
  state: ErrorBoundaryState = { resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<ErrorBoundaryState> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: ErrorBoundaryProps, state: ErrorBoundaryState): Partial<ErrorBoundaryState> | null {
    return Object.is(props.resetKey, state.resetKey) ? null : { resetKey: props.resetKey, error: undefined };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.warn(`${this.props.what}:`, error, info.componentStack); // (a warning: the page goes on)
  }

  render(): ReactNode {
    const { error } = this.state;
    if (error === undefined) return this.props.children;
    return <ErrorMessage what={this.props.what} message={error.message} onRetry={() => this.setState({ error: undefined })} />;
  }
}

/** The boundary's message: what failed, why, and how to go on. */
export function ErrorMessage({ what, message, onRetry }: { what: string; message: string; onRetry: () => void }) {
  return (
    <div className="error-boundary" role="alert">
      <p className="error-boundary__message">{what}: {message}</p>
      <p className="error-boundary__hint">Select another state, undo, or fix the definition in the code view; then try again.</p>
      <button type="button" onClick={onRetry}>Try again</button>
    </div>
  );
}
