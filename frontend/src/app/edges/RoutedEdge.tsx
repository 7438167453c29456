/**
 * An edge drawn along ELK's route (src/asl/routes.ts), its ends moved onto the canvas's handles; where the
 * route does not fit (a loop back up, a straight line, a node moved since the layout) it is React Flow's
 * smooth-step edge, as every edge was before routes.
 */
import { BaseEdge, Position, SmoothStepEdge, type Edge, type EdgeProps } from "@xyflow/react";
import { memo, useMemo } from "react";
import { fitRoute, labelPoint, roundedPath, type EdgeKind, type Point } from "../../asl";

export type RoutedEdgeData = { kind: EdgeKind; route?: readonly Point[] };

function RoutedEdgeComponent(props: EdgeProps<Edge<RoutedEdgeData>>) {
  return props.data?.route ? <FittedEdge {...props} route={props.data.route} /> : <SmoothStepEdge {...props} />;
}

function FittedEdge(props: EdgeProps<Edge<RoutedEdgeData>> & { route: readonly Point[] }) {
  const { route, sourceX, sourceY, targetX, targetY, sourcePosition } = props;
  const points = useMemo(
    () => fitRoute(route, { x: sourceX, y: sourceY }, sourcePosition === Position.Right ? "right" : "bottom", { x: targetX, y: targetY }),
    [route, sourceX, sourceY, targetX, targetY, sourcePosition],
  );
  if (!points) return <SmoothStepEdge {...props} />;
  const label = labelPoint(points);
  return (
    <BaseEdge
      id={props.id}
      path={roundedPath(points)}
      labelX={label.x}
      labelY={label.y}
      label={props.label}
      labelStyle={props.labelStyle}
      labelShowBg={props.labelShowBg}
      labelBgStyle={props.labelBgStyle}
      labelBgPadding={props.labelBgPadding}
      labelBgBorderRadius={props.labelBgBorderRadius}
      style={props.style}
      markerEnd={props.markerEnd}
      markerStart={props.markerStart}
      interactionWidth={props.interactionWidth}
    />
  );
}

export const RoutedEdge = memo(RoutedEdgeComponent);
