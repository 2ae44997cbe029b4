// Stream format inspection of disk images, as Glance (oslo.utils' format_inspector) does it.
export { FormatDetector, INSPECTABLE_FORMATS, isInspectable, type InspectableFormat } from './detect';
export { FormatInspector, ImageFormatError, SafetyCheckFailed } from './inspector';
export { VhdInspector } from './disks';
