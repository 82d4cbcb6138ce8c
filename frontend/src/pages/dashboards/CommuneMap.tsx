// Choropleth of the 93's communes drawn with Leaflet from the uploaded GeoJSON, on a blank
// background (no tile server): each commune is coloured by the amount granted there.
import { useEffect, useRef } from 'react';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { mapColors } from './colors';

/** The class (0–4) of a value among thresholds. */
export function colorClass(value: number, thresholds: number[]): number {
  if (value <= 0) return 0;
  let k = 1;
  for (const t of thresholds) if (value > t) k++;
  return Math.min(k, mapColors.length - 1);
}

export interface MapValue {
  name: string;
  granted: number;
  paid: number;
}

/** The map; values are keyed by INSEE code; describe formats a commune's tooltip. */
export default function CommuneMap({
  geojson,
  values,
  thresholds,
  label,
  describe,
}: {
  geojson: GeoJSON.FeatureCollection;
  values: Record<string, MapValue>;
  thresholds: number[];
  label: string;
  describe: (code: string) => string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    // No keyboard panning: the container stays a plain image for assistive technologies, whose
    // users get the same figures in the table that follows the map.
    const map = L.map(ref.current, { attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: false, keyboard: false, zoomControl: false });
    const layer = L.geoJSON(geojson, {
      style: (f) => {
        const code = String(f?.properties?.code ?? '');
        const v = values[code]?.granted ?? 0;
        return { color: '#4a4f57', weight: 1, fillOpacity: 0.9, fillColor: mapColors[colorClass(v, thresholds)] };
      },
      onEachFeature: (f, l) => {
        l.bindTooltip(describe(String(f.properties?.code ?? '')), { sticky: true });
      },
    }).addTo(map);
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds);
    return () => {
      map.remove();
    };
  }, [geojson, values, thresholds, describe]);
  return <div ref={ref} className="map" role="img" aria-label={label} data-testid="commune-map" />;
}
