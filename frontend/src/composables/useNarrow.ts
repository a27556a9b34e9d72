import { onBeforeUnmount, onMounted, ref } from 'vue'

/** True while the window is narrower than `maxWidth` pixels. */
export function useNarrow(maxWidth = 768) {
  const isNarrow = ref(typeof window !== 'undefined' && window.innerWidth < maxWidth)
  const update = () => {
    isNarrow.value = window.innerWidth < maxWidth
  }
  onMounted(() => window.addEventListener('resize', update))
  onBeforeUnmount(() => window.removeEventListener('resize', update))
  return isNarrow
}
