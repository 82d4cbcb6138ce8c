/** Colour classes of the map, light to dark (sequential, readable on white). */
export const mapColors = ['#f1f4f9', '#c6d4ea', '#8eabd6', '#4f7bbf', '#1f3a68'];
